import type { Member, Tenant } from "@atrium/contracts";
import type { Database, DB } from "../../infra/db/database";
import { AppError, conflict, forbidden, notFound } from "../../lib/errors";
import { slugify } from "../../lib/slug";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import type { UsersRepository } from "../users/users.repository";
import { isUniqueViolation, type UsersService } from "../users/users.service";
import { isInstanceAdmin, type RequireTenantRole, requireInstanceAdmin } from "./tenant-access";
import type { TenantsRepository } from "./tenants.repository";

export interface TenantsServiceDeps {
  database: Pick<Database, "scoped">;
  tenants: TenantsRepository;
  users: Pick<UsersRepository, "findByEmail">;
  usersService: Pick<UsersService, "create">;
  audit: Pick<AuditRepository, "record">;
  requireTenantRole: RequireTenantRole;
  /** Runs inside the creating transaction (e.g. enabling default assistants). */
  onTenantCreated?: (tenantId: string, tx: DB) => Promise<void>;
}

type TenantRow = { id: string; name: string; slug: string; createdAt: Date; memberCount: number };
function presentTenant(row: TenantRow): Tenant {
  return { ...row, memberCount: Number(row.memberCount), createdAt: row.createdAt.toISOString() };
}

/** Tenants (departments) and their memberships. */
export function createTenantsService(deps: TenantsServiceDeps) {
  const { database, tenants: repo } = deps;
  /** A transaction scoped to one tenant for the actor (row-level security sees only it). */
  const inTenant = <T>(actor: Actor, tenantId: string, fn: (tx: DB) => Promise<T>) =>
    database.scoped({ tenantId, userId: actor.userId }, fn);

  async function uniqueSlug(base: string, tx: DB): Promise<string> {
    for (let i = 1; i < 1000; i++) {
      const candidate = i === 1 ? base : `${base}-${i}`;
      if (!(await repo.slugExists(candidate, tx))) return candidate;
    }
    throw conflict("tenant.slug_taken", "Could not find a free slug; give one explicitly.");
  }

  return {
    async list(actor: Actor): Promise<Tenant[]> {
      if (isInstanceAdmin(actor)) {
        return (await database.scoped({ bypass: true }, (tx) => repo.listAll(tx))).map(presentTenant);
      }
      // Explicitly filtered by membership; bypass so member counts include colleagues.
      const rows = await database.scoped({ bypass: true }, (tx) => repo.listForUser(actor.userId, tx));
      return rows.filter((t) => !actor.apiKeyTenantId || t.id === actor.apiKeyTenantId).map(presentTenant);
    },

    /** Instance admins create tenants; the creator becomes the tenant's first admin. */
    async create(actor: Actor, input: { name: string; slug?: string }): Promise<Tenant> {
      requireInstanceAdmin(actor);
      const id = crypto.randomUUID();
      try {
        const slug = await database.scoped({ bypass: true }, async (tx) => {
          if (!input.slug) return uniqueSlug(slugify(input.name), tx);
          if (await repo.slugExists(input.slug, tx)) throw slugTaken();
          return input.slug;
        });
        const row = await database.scoped({ tenantId: id, userId: actor.userId }, async (tx) => {
          await repo.create({ id, name: input.name, slug }, tx);
          await repo.addMember({ tenantId: id, userId: actor.userId, role: "admin" }, tx);
          await deps.onTenantCreated?.(id, tx);
          await deps.audit.record(
            {
              tenantId: id,
              actorUserId: actor.userId,
              action: "tenant.created",
              targetType: "tenant",
              targetId: id,
              data: { name: input.name, slug },
            },
            tx,
          );
          return repo.findById(id, tx);
        });
        if (!row) throw new Error("created tenant not visible");
        return presentTenant(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw slugTaken();
        throw err;
      }
    },

    async get(actor: Actor, id: string): Promise<Tenant> {
      return inTenant(actor, id, async (tx) => {
        await deps.requireTenantRole(actor, id, "member", tx);
        const row = await repo.findById(id, tx);
        if (!row) throw tenantNotFound();
        return presentTenant(row);
      });
    },

    async rename(actor: Actor, id: string, name: string): Promise<Tenant> {
      return inTenant(actor, id, async (tx) => {
        await deps.requireTenantRole(actor, id, "admin", tx);
        await repo.rename(id, name, tx);
        await deps.audit.record(
          {
            tenantId: id,
            actorUserId: actor.userId,
            action: "tenant.renamed",
            targetType: "tenant",
            targetId: id,
            data: { name },
          },
          tx,
        );
        const row = await repo.findById(id, tx);
        if (!row) throw tenantNotFound();
        return presentTenant(row);
      });
    },

    /** Deletes a tenant and everything it owns (instance admins only). */
    async remove(actor: Actor, id: string): Promise<void> {
      requireInstanceAdmin(actor);
      await database.scoped({ bypass: true }, async (tx) => {
        if (!(await repo.remove(id, tx))) throw tenantNotFound();
        await deps.audit.record(
          { actorUserId: actor.userId, action: "tenant.deleted", targetType: "tenant", targetId: id },
          tx,
        );
      });
    },

    async listMembers(actor: Actor, tenantId: string): Promise<Member[]> {
      return inTenant(actor, tenantId, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, "admin", tx);
        const rows = await repo.listMembers(tenantId, tx);
        return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
      });
    },

    /**
     * Adds a user to the tenant by email. An unknown email with a name and password creates the
     * account (as an instance member) first.
     */
    async addMember(
      actor: Actor,
      tenantId: string,
      input: { email: string; role: "admin" | "member"; name?: string; password?: string },
    ): Promise<Member> {
      if (actor.apiKeyTenantId) throw forbidden("API keys cannot manage members. Sign in to do this.");
      await inTenant(actor, tenantId, (tx) => deps.requireTenantRole(actor, tenantId, "admin", tx));
      const existing = await database.scoped({ bypass: true }, (tx) => deps.users.findByEmail(input.email, tx));
      let userId = existing?.id;
      if (!userId) {
        if (!input.name || !input.password) {
          throw notFound("user.not_found", "No user has this email. Give a name and a password to create the account.");
        }
        const created = await deps.usersService.create(
          actor,
          { email: input.email, name: input.name, password: input.password, role: "member" },
          { skipAdminCheck: true },
        );
        userId = created.id;
      }
      const memberId = userId;
      return inTenant(actor, tenantId, async (tx) => {
        if (await repo.findMembership(tenantId, memberId, tx)) {
          throw conflict("member.already_exists", "This user is already a member of this tenant.");
        }
        await repo.addMember({ tenantId, userId: memberId, role: input.role }, tx);
        await deps.audit.record(
          {
            tenantId,
            actorUserId: actor.userId,
            action: "member.added",
            targetType: "user",
            targetId: memberId,
            data: { role: input.role },
          },
          tx,
        );
        const member = (await repo.listMembers(tenantId, tx)).find((m) => m.userId === memberId);
        if (!member) throw new Error("added member not visible");
        return { ...member, createdAt: member.createdAt.toISOString() };
      });
    },

    async setMemberRole(actor: Actor, tenantId: string, userId: string, role: "admin" | "member"): Promise<Member> {
      return inTenant(actor, tenantId, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, "admin", tx);
        const current = await repo.findMembership(tenantId, userId, tx);
        if (!current) throw memberNotFound();
        if (current.role === "admin" && role !== "admin" && (await repo.countAdmins(tenantId, tx)) <= 1) {
          throw lastAdmin();
        }
        await repo.setMemberRole(tenantId, userId, role, tx);
        await deps.audit.record(
          {
            tenantId,
            actorUserId: actor.userId,
            action: "member.role_changed",
            targetType: "user",
            targetId: userId,
            data: { role },
          },
          tx,
        );
        const member = (await repo.listMembers(tenantId, tx)).find((m) => m.userId === userId);
        if (!member) throw memberNotFound();
        return { ...member, createdAt: member.createdAt.toISOString() };
      });
    },

    /** Removes a member; tenant admins remove anyone, members may leave themselves. */
    async removeMember(actor: Actor, tenantId: string, userId: string): Promise<void> {
      await inTenant(actor, tenantId, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, userId === actor.userId ? "member" : "admin", tx);
        const current = await repo.findMembership(tenantId, userId, tx);
        if (!current) throw memberNotFound();
        if (current.role === "admin" && (await repo.countAdmins(tenantId, tx)) <= 1) throw lastAdmin();
        await repo.removeMember(tenantId, userId, tx);
        await deps.audit.record(
          { tenantId, actorUserId: actor.userId, action: "member.removed", targetType: "user", targetId: userId },
          tx,
        );
      });
    },
  };
}
export type TenantsService = ReturnType<typeof createTenantsService>;

const tenantNotFound = () => notFound("tenant.not_found", "No such tenant, or you are not a member of it.");
const memberNotFound = () => notFound("member.not_found", "This user is not a member of this tenant.");
const slugTaken = () => conflict("tenant.slug_taken", "Another tenant already uses this slug. Choose another.");
const lastAdmin = () =>
  new AppError(409, "member.last_admin", "A tenant needs at least one admin. Make someone else admin first.");
