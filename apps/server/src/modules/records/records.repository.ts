import { and, count, desc, eq, gte, lte, sql, sum } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { requestRecords, tenants, users } from "../../infra/db/schema";

export type RequestRecordRow = typeof requestRecords.$inferSelect;
export type NewRequestRecord = typeof requestRecords.$inferInsert;

export interface RecordFilter {
  tenantId?: string;
  assistantId?: string;
  userId?: string;
  status?: string;
  from?: Date;
  to?: Date;
}

const whereOf = (f: RecordFilter) =>
  and(
    f.tenantId ? eq(requestRecords.tenantId, f.tenantId) : undefined,
    f.assistantId ? eq(requestRecords.assistantId, f.assistantId) : undefined,
    f.userId ? eq(requestRecords.userId, f.userId) : undefined,
    f.status ? eq(requestRecords.status, f.status) : undefined,
    f.from ? gte(requestRecords.createdAt, f.from) : undefined,
    f.to ? lte(requestRecords.createdAt, f.to) : undefined,
  );

/** Request records (seed 000 RequestRecord): one per completed request. */
export function createRecordsRepository(db: DB) {
  return {
    async insert(values: NewRequestRecord, tx: DB = db) {
      await tx.insert(requestRecords).values(values);
    },
    async list(filter: RecordFilter, page: { limit: number; offset: number }, tx: DB = db) {
      const rows = await tx
        .select()
        .from(requestRecords)
        .where(whereOf(filter))
        .orderBy(desc(requestRecords.createdAt))
        .limit(page.limit)
        .offset(page.offset);
      const [total] = await tx.select({ n: count() }).from(requestRecords).where(whereOf(filter));
      return { rows, total: total?.n ?? 0 };
    },
    /** Totals and per-user / per-tenant usage for the filter. */
    async summary(filter: RecordFilter, tx: DB = db) {
      const where = whereOf(filter);
      const tokens = sql<number>`coalesce(sum(${requestRecords.inputTokens} + ${requestRecords.outputTokens}), 0)::int`;
      const [totals] = await tx
        .select({
          requests: count(),
          inputTokens: sql<number>`coalesce(${sum(requestRecords.inputTokens)}, 0)::int`,
          outputTokens: sql<number>`coalesce(${sum(requestRecords.outputTokens)}, 0)::int`,
          costUsd: sql<number>`coalesce(${sum(requestRecords.costUsd)}, 0)::float8`,
        })
        .from(requestRecords)
        .where(where);
      const byUser = await tx
        .select({
          userId: requestRecords.userId,
          email: users.email,
          requests: count(),
          costUsd: sql<number>`coalesce(${sum(requestRecords.costUsd)}, 0)::float8`,
          tokens,
        })
        .from(requestRecords)
        .leftJoin(users, eq(users.id, requestRecords.userId))
        .where(where)
        .groupBy(requestRecords.userId, users.email)
        .orderBy(desc(count()))
        .limit(100);
      const byTenant = await tx
        .select({
          tenantId: requestRecords.tenantId,
          tenantName: tenants.name,
          requests: count(),
          costUsd: sql<number>`coalesce(${sum(requestRecords.costUsd)}, 0)::float8`,
          tokens,
        })
        .from(requestRecords)
        .innerJoin(tenants, eq(tenants.id, requestRecords.tenantId))
        .where(where)
        .groupBy(requestRecords.tenantId, tenants.name)
        .orderBy(desc(count()))
        .limit(100);
      return {
        requests: totals?.requests ?? 0,
        inputTokens: Number(totals?.inputTokens ?? 0),
        outputTokens: Number(totals?.outputTokens ?? 0),
        costUsd: Number(totals?.costUsd ?? 0),
        byUser: byUser.map((r) => ({ ...r, costUsd: Number(r.costUsd), tokens: Number(r.tokens) })),
        byTenant: byTenant.map((r) => ({ ...r, costUsd: Number(r.costUsd), tokens: Number(r.tokens) })),
      };
    },
  };
}
export type RecordsRepository = ReturnType<typeof createRecordsRepository>;
