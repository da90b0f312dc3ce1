import type { Database } from "../../infra/db/database";
import { forbidden } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import { isInstanceAdmin, type RequireTenantRole } from "../tenants/tenant-access";
import type { RecordFilter, RecordsRepository, RequestRecordRow } from "./records.repository";

export interface RecordsServiceDeps {
  database: Pick<Database, "scoped">;
  records: RecordsRepository;
  requireTenantRole: RequireTenantRole;
}

type Query = { tenantId?: string; assistantId?: string; userId?: string; status?: string; from?: string; to?: string };

function present(r: RequestRecordRow) {
  return { ...r, costUsd: Number(r.costUsd), createdAt: r.createdAt.toISOString() };
}

/** Request records and usage: instance admins see every tenant, tenant admins their own. */
export function createRecordsService(deps: RecordsServiceDeps) {
  const { database } = deps;

  /** Runs fn in the scope the caller may read: one tenant (its admins) or all (instance admins). */
  async function inReadableScope<T>(
    actor: Actor,
    q: Query,
    fn: (filter: RecordFilter, tx: Parameters<Parameters<Database["scoped"]>[1]>[0]) => Promise<T>,
  ) {
    const filter: RecordFilter = {
      tenantId: q.tenantId,
      assistantId: q.assistantId,
      userId: q.userId,
      status: q.status,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    };
    if (!q.tenantId) {
      if (!isInstanceAdmin(actor)) throw forbidden("Give tenantId: only instance administrators see every tenant.");
      return database.scoped({ bypass: true }, (tx) => fn(filter, tx));
    }
    const tenantId = q.tenantId;
    return database.scoped({ tenantId, userId: actor.userId }, async (tx) => {
      await deps.requireTenantRole(actor, tenantId, "admin", tx);
      return fn(filter, tx);
    });
  }

  return {
    async list(actor: Actor, q: Query & { limit: number; offset: number }) {
      return inReadableScope(actor, q, async (filter, tx) => {
        const { rows, total } = await deps.records.list(filter, q, tx);
        return { items: rows.map(present), total };
      });
    },
    async summary(actor: Actor, q: Query) {
      return inReadableScope(actor, q, (filter, tx) => deps.records.summary(filter, tx));
    },
  };
}
export type RecordsService = ReturnType<typeof createRecordsService>;
