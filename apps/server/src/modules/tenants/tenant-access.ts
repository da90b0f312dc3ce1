import type { DB } from "../../infra/db/database";
import { forbidden, notFound } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { TenantsRepository } from "./tenants.repository";

/** Instance owners and admins manage everything, except through an API key (which is tenant-bound). */
export function isInstanceAdmin(actor: Actor): boolean {
  return !actor.apiKeyTenantId && (actor.role === "owner" || actor.role === "admin");
}

export function requireInstanceAdmin(actor: Actor) {
  if (!isInstanceAdmin(actor)) throw forbidden("Only instance administrators can do this.");
}

/**
 * Checks the actor may act in a tenant with at least `need`, and returns the effective role.
 * Unknown tenants and tenants the actor is not in both answer 404, so ids of other departments
 * cannot be probed.
 */
export function createTenantAccess(repo: Pick<TenantsRepository, "findById" | "findMembership">) {
  return async function requireTenantRole(
    actor: Actor,
    tenantId: string,
    need: "member" | "admin",
    tx: DB,
  ): Promise<"admin" | "member"> {
    const missing = () => notFound("tenant.not_found", "No such tenant, or you are not a member of it.");
    if (actor.apiKeyTenantId && actor.apiKeyTenantId !== tenantId) throw missing();
    if (isInstanceAdmin(actor)) {
      if (!(await repo.findById(tenantId, tx))) throw missing();
      return "admin";
    }
    const membership = await repo.findMembership(tenantId, actor.userId, tx);
    if (!membership) throw missing();
    if (need === "admin" && membership.role !== "admin") {
      throw forbidden("Only this tenant's administrators can do this.");
    }
    return membership.role;
  };
}
export type RequireTenantRole = ReturnType<typeof createTenantAccess>;
