import { asc, eq } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { llmProviders } from "../../infra/db/schema";

export type ProviderRow = typeof llmProviders.$inferSelect;
export type NewProvider = typeof llmProviders.$inferInsert;

/** LLM providers configured in the UI (instance-level). */
export function createProvidersRepository(db: DB) {
  return {
    async list(tx: DB = db): Promise<ProviderRow[]> {
      return tx.select().from(llmProviders).orderBy(asc(llmProviders.name));
    },
    async findById(id: string, tx: DB = db): Promise<ProviderRow | undefined> {
      const [row] = await tx.select().from(llmProviders).where(eq(llmProviders.id, id));
      return row;
    },
    async create(values: NewProvider, tx: DB = db): Promise<ProviderRow> {
      const [row] = await tx.insert(llmProviders).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async update(id: string, patch: Partial<NewProvider>, tx: DB = db): Promise<ProviderRow | undefined> {
      const [row] = await tx
        .update(llmProviders)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(llmProviders.id, id))
        .returning();
      return row;
    },
    async remove(id: string, tx: DB = db): Promise<boolean> {
      return (
        (await tx.delete(llmProviders).where(eq(llmProviders.id, id)).returning({ id: llmProviders.id })).length > 0
      );
    },
  };
}
export type ProvidersRepository = ReturnType<typeof createProvidersRepository>;
