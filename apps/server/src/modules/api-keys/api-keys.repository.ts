import { and, desc, eq, isNull } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { apiKeys, tenants } from "../../infra/db/schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

const presented = {
  id: apiKeys.id,
  name: apiKeys.name,
  tenantId: apiKeys.tenantId,
  tenantName: tenants.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/** API keys (stored as sha256 of the key). Tenant-owned: row-level security applies. */
export function createApiKeysRepository(db: DB) {
  return {
    async listForUser(userId: string, tx: DB = db) {
      return tx
        .select(presented)
        .from(apiKeys)
        .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
        .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
        .orderBy(desc(apiKeys.createdAt));
    },
    async findActiveByHash(keyHash: string, tx: DB = db): Promise<ApiKeyRow | undefined> {
      const [row] = await tx
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
      return row;
    },
    async findById(id: string, tx: DB = db): Promise<ApiKeyRow | undefined> {
      const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id));
      return row;
    },
    async create(
      values: { tenantId: string; userId: string; name: string; prefix: string; keyHash: string },
      tx: DB = db,
    ) {
      const [row] = await tx.insert(apiKeys).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async revoke(id: string, tx: DB = db): Promise<boolean> {
      const rows = await tx
        .update(apiKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      return rows.length > 0;
    },
    async touch(id: string, tx: DB = db) {
      await tx.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
    },
  };
}
export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
