import type { ApiKey } from "@atrium/contracts";
import type { Database } from "../../infra/db/database";
import { randomToken, sha256 } from "../../lib/crypto";
import { forbidden, notFound } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import { API_KEY_PREFIX } from "../auth/auth.service";
import { isInstanceAdmin, type RequireTenantRole } from "../tenants/tenant-access";
import type { ApiKeysRepository } from "./api-keys.repository";

export interface ApiKeysServiceDeps {
  database: Pick<Database, "scoped">;
  apiKeys: ApiKeysRepository;
  audit: Pick<AuditRepository, "record">;
  requireTenantRole: RequireTenantRole;
}

type Row = {
  id: string;
  name: string;
  tenantId: string;
  tenantName: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};
const present = (r: Row): ApiKey => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

/** Personal API keys, each bound to one tenant the user belongs to. */
export function createApiKeysService(deps: ApiKeysServiceDeps) {
  const { database } = deps;
  const keyNotFound = () => notFound("api_key.not_found", "No such API key.");
  return {
    async list(actor: Actor): Promise<ApiKey[]> {
      const rows = await database.scoped({ userId: actor.userId }, (tx) => deps.apiKeys.listForUser(actor.userId, tx));
      return rows.map(present);
    },

    /** Creates a key; the plain key is returned once and only its hash is kept. */
    async create(actor: Actor, input: { name: string; tenantId: string }): Promise<ApiKey & { key: string }> {
      if (actor.apiKeyTenantId) throw forbidden("An API key cannot create API keys. Sign in to do this.");
      const key = `${API_KEY_PREFIX}${randomToken(32)}`;
      return database.scoped({ tenantId: input.tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, input.tenantId, "member", tx);
        const row = await deps.apiKeys.create(
          {
            tenantId: input.tenantId,
            userId: actor.userId,
            name: input.name,
            prefix: key.slice(0, 12),
            keyHash: sha256(key),
          },
          tx,
        );
        await deps.audit.record(
          {
            tenantId: input.tenantId,
            actorUserId: actor.userId,
            action: "api_key.created",
            targetType: "api_key",
            targetId: row.id,
          },
          tx,
        );
        const listed = (await deps.apiKeys.listForUser(actor.userId, tx)).find((k) => k.id === row.id);
        if (!listed) throw new Error("created key not visible");
        return { ...present(listed), key };
      });
    },

    /** Revokes a key: its owner may, and so may instance admins. */
    async revoke(actor: Actor, id: string): Promise<void> {
      if (actor.apiKeyTenantId) throw forbidden("An API key cannot revoke API keys. Sign in to do this.");
      const admin = isInstanceAdmin(actor);
      const row = await database.scoped(admin ? { bypass: true } : { userId: actor.userId }, (tx) =>
        deps.apiKeys.findById(id, tx),
      );
      if (!row || row.revokedAt || (!admin && row.userId !== actor.userId)) throw keyNotFound();
      // The write runs in the key's tenant, where row-level security allows it.
      await database.scoped({ tenantId: row.tenantId, userId: actor.userId }, async (tx) => {
        if (!(await deps.apiKeys.revoke(id, tx))) throw keyNotFound();
        await deps.audit.record(
          {
            tenantId: row.tenantId,
            actorUserId: actor.userId,
            action: "api_key.revoked",
            targetType: "api_key",
            targetId: id,
          },
          tx,
        );
      });
    },
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
