import { and, asc, desc, eq, isNull, max, sql } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { assistants, assistantTenants, prompts } from "../../infra/db/schema";

export type AssistantRow = typeof assistants.$inferSelect;
export type NewAssistant = typeof assistants.$inferInsert;
export type PromptRow = typeof prompts.$inferSelect;
type Stage = PromptRow["stage"];

const tenantIs = (tenantId: string | null) => (tenantId ? eq(prompts.tenantId, tenantId) : isNull(prompts.tenantId));

/** Assistants, their per-tenant enablement and their versioned prompts. */
export function createAssistantsRepository(db: DB) {
  return {
    async listAll(tx: DB = db): Promise<AssistantRow[]> {
      return tx.select().from(assistants).orderBy(asc(assistants.name));
    },
    async findById(id: string, tx: DB = db): Promise<AssistantRow | undefined> {
      const [row] = await tx.select().from(assistants).where(eq(assistants.id, id));
      return row;
    },
    async findBySlug(slug: string, tx: DB = db): Promise<AssistantRow | undefined> {
      const [row] = await tx.select().from(assistants).where(eq(assistants.slug, slug));
      return row;
    },
    /** Inserts unless the slug exists (start-up defaults, safe across replicas). */
    async insertIfAbsent(values: NewAssistant, tx: DB = db): Promise<AssistantRow | undefined> {
      const [row] = await tx.insert(assistants).values(values).onConflictDoNothing().returning();
      return row;
    },
    async create(values: NewAssistant, tx: DB = db): Promise<AssistantRow> {
      const [row] = await tx.insert(assistants).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async update(id: string, patch: Partial<NewAssistant>, tx: DB = db) {
      const [row] = await tx
        .update(assistants)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(assistants.id, id))
        .returning();
      return row;
    },
    async remove(id: string, tx: DB = db): Promise<boolean> {
      return (await tx.delete(assistants).where(eq(assistants.id, id)).returning({ id: assistants.id })).length > 0;
    },

    /** Assistants with their enablement row in one tenant (null when never configured there). */
    async listForTenant(tenantId: string, tx: DB = db) {
      return tx
        .select({ assistant: assistants, link: assistantTenants })
        .from(assistants)
        .leftJoin(
          assistantTenants,
          and(eq(assistantTenants.assistantId, assistants.id), eq(assistantTenants.tenantId, tenantId)),
        )
        .orderBy(asc(assistants.name));
    },
    async findLink(assistantId: string, tenantId: string, tx: DB = db) {
      const [row] = await tx
        .select()
        .from(assistantTenants)
        .where(and(eq(assistantTenants.assistantId, assistantId), eq(assistantTenants.tenantId, tenantId)));
      return row;
    },
    async upsertLink(
      values: { assistantId: string; tenantId: string; isEnabled: boolean; pipeline: Record<string, boolean> },
      tx: DB = db,
    ) {
      await tx
        .insert(assistantTenants)
        .values(values)
        .onConflictDoUpdate({
          target: [assistantTenants.assistantId, assistantTenants.tenantId],
          set: { isEnabled: values.isEnabled, pipeline: values.pipeline },
        });
    },

    async listPrompts(assistantId: string, filter: { tenantId: string | null; stage?: Stage }, tx: DB = db) {
      return tx
        .select()
        .from(prompts)
        .where(
          and(
            eq(prompts.assistantId, assistantId),
            tenantIs(filter.tenantId),
            filter.stage ? eq(prompts.stage, filter.stage) : undefined,
          ),
        )
        .orderBy(asc(prompts.stage), desc(prompts.version));
    },
    async findPrompt(id: string, tx: DB = db): Promise<PromptRow | undefined> {
      const [row] = await tx.select().from(prompts).where(eq(prompts.id, id));
      return row;
    },
    /** Active prompts for an assistant: the tenant's override wins over the instance prompt per stage. */
    async activePrompts(assistantId: string, tenantId: string, tx: DB = db): Promise<PromptRow[]> {
      const rows = await tx
        .select()
        .from(prompts)
        .where(
          and(
            eq(prompts.assistantId, assistantId),
            eq(prompts.isActive, true),
            sql`(${prompts.tenantId} is null or ${prompts.tenantId} = ${tenantId})`,
          ),
        );
      const byStage = new Map<Stage, PromptRow>();
      for (const r of rows) {
        const current = byStage.get(r.stage);
        if (!current || (r.tenantId && !current.tenantId)) byStage.set(r.stage, r);
      }
      return [...byStage.values()];
    },
    /** Appends a version; when `activate`, it becomes the one active version of its stage. */
    async addPromptVersion(
      values: {
        assistantId: string;
        tenantId: string | null;
        stage: Stage;
        template: string;
        note: string;
        createdBy: string | null;
      },
      activate: boolean,
      tx: DB = db,
    ): Promise<PromptRow> {
      const [last] = await tx
        .select({ v: max(prompts.version) })
        .from(prompts)
        .where(
          and(eq(prompts.assistantId, values.assistantId), tenantIs(values.tenantId), eq(prompts.stage, values.stage)),
        );
      if (activate) await this.deactivate(values.assistantId, values.tenantId, values.stage, tx);
      const [row] = await tx
        .insert(prompts)
        .values({ ...values, version: (last?.v ?? 0) + 1, isActive: activate })
        .returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async deactivate(assistantId: string, tenantId: string | null, stage: Stage, tx: DB = db) {
      await tx
        .update(prompts)
        .set({ isActive: false })
        .where(
          and(
            eq(prompts.assistantId, assistantId),
            tenantIs(tenantId),
            eq(prompts.stage, stage),
            eq(prompts.isActive, true),
          ),
        );
    },
    async activate(id: string, tx: DB = db) {
      await tx.update(prompts).set({ isActive: true }).where(eq(prompts.id, id));
    },
  };
}
export type AssistantsRepository = ReturnType<typeof createAssistantsRepository>;
