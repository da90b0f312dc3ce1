import type { Assistant, AssistantSummary, Pipeline, Prompt, PromptStage } from "@atrium/contracts";
import type { Database, DB } from "../../infra/db/database";
import { AppError, conflict, notFound } from "../../lib/errors";
import { createTtlCache } from "../../lib/ttl-cache";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import { isInstanceAdmin, type RequireTenantRole, requireInstanceAdmin } from "../tenants/tenant-access";
import { isUniqueViolation } from "../users/users.service";
import type { AssistantRow, AssistantsRepository, PromptRow } from "./assistants.repository";
import { DEFAULT_ASSISTANTS } from "./default-assistants";

export interface AssistantsServiceDeps {
  database: Pick<Database, "scoped">;
  assistants: AssistantsRepository;
  tenantIds: (tx: DB) => Promise<string[]>;
  audit: Pick<AuditRepository, "record">;
  requireTenantRole: RequireTenantRole;
  /** How long a resolved assistant is reused (ms); 0 reads it on every message. */
  resolveCacheMs?: number;
}

const SYSTEM = { bypass: true } as const;
const assistantNotFound = () => notFound("assistant.not_found", "No such assistant.");

export function presentAssistant(row: AssistantRow): Assistant {
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    name: row.name,
    description: row.description,
    providerId: row.providerId,
    model: row.model,
    temperature: row.temperature,
    pipeline: row.pipeline,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
  };
}
const summary = (row: AssistantRow): AssistantSummary => ({
  id: row.id,
  slug: row.slug,
  kind: row.kind,
  name: row.name,
  description: row.description,
});
export function presentPrompt(row: PromptRow): Prompt {
  return {
    id: row.id,
    assistantId: row.assistantId,
    tenantId: row.tenantId,
    stage: row.stage,
    version: row.version,
    template: row.template,
    note: row.note,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What a chat needs to answer with an assistant in a tenant. */
export interface ResolvedAssistant {
  assistant: AssistantRow;
  pipeline: Pipeline;
  prompts: Partial<Record<PromptStage, { template: string; version: number }>>;
}

/** Assistants (modes), their enablement per tenant, and versioned prompts. */
export function createAssistantsService(deps: AssistantsServiceDeps) {
  const { database, assistants: repo } = deps;
  // Resolving an assistant costs 3 queries per chat message; it changes only through this service
  // (in this process: invalidated at once) or through another API process (seen within the TTL).
  const resolved = createTtlCache<ResolvedAssistant>({ ttlMs: deps.resolveCacheMs ?? 5000 });
  /** Runs an admin change, then forgets cached resolutions (after commit, so none is re-read stale). */
  const changing = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      resolved.invalidate();
    }
  };

  async function load(tenantId: string, assistantId: string, tx: DB): Promise<ResolvedAssistant> {
    const assistant = await repo.findById(assistantId, tx);
    if (!assistant) throw assistantNotFound();
    const link = await repo.findLink(assistantId, tenantId, tx);
    if (!link?.isEnabled) {
      throw new AppError(
        409,
        "assistant.not_enabled",
        "This assistant is not enabled in this tenant. Ask a tenant admin to enable it.",
      );
    }
    const prompts: ResolvedAssistant["prompts"] = {};
    for (const p of await repo.activePrompts(assistantId, tenantId, tx))
      prompts[p.stage] = { template: p.template, version: p.version };
    // Frozen: the value is shared by every request while cached; a caller must copy to change it.
    return Object.freeze({
      assistant: Object.freeze(assistant),
      pipeline: Object.freeze({ ...assistant.pipeline, ...link.pipeline }),
      prompts: Object.freeze(prompts),
    });
  }

  async function enableFor(assistantId: string, tenantIds: string[], tx: DB) {
    for (const tenantId of tenantIds) {
      if (!(await repo.findLink(assistantId, tenantId, tx))) {
        await repo.upsertLink({ assistantId, tenantId, isEnabled: true, pipeline: {} }, tx);
      }
    }
  }

  return {
    /** Creates the built-in assistants and their first prompt versions if they are missing. */
    async ensureDefaults(): Promise<void> {
      await changing(
        database.scoped(SYSTEM, async (tx) => {
          for (const def of DEFAULT_ASSISTANTS) {
            const created = await repo.insertIfAbsent(
              {
                slug: def.slug,
                kind: def.kind,
                name: def.name,
                description: def.description,
                pipeline: def.pipeline,
                isDefault: true,
              },
              tx,
            );
            if (!created) continue;
            for (const [stage, template] of Object.entries(def.prompts)) {
              await repo.addPromptVersion(
                {
                  assistantId: created.id,
                  tenantId: null,
                  stage: stage as PromptStage,
                  template,
                  note: "built-in",
                  createdBy: null,
                },
                true,
                tx,
              );
            }
            await enableFor(created.id, await deps.tenantIds(tx), tx);
          }
        }),
      );
    },

    /**
     * Hook for tenant creation: enable every default assistant in the new tenant. Nothing cached to
     * forget: the tenant did not exist, and failed resolutions are not cached.
     */
    async enableDefaultsForTenant(tenantId: string, tx: DB): Promise<void> {
      for (const a of await repo.listAll(tx)) {
        if (a.isDefault) await repo.upsertLink({ assistantId: a.id, tenantId, isEnabled: true, pipeline: {} }, tx);
      }
    },

    /** Assistants a user can chat with in a tenant. */
    async listForTenant(actor: Actor, tenantId: string): Promise<AssistantSummary[]> {
      return database.scoped({ tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, "member", tx);
        const rows = await repo.listForTenant(tenantId, tx);
        return rows.filter((r) => r.link?.isEnabled).map((r) => summary(r.assistant));
      });
    },

    /** Every assistant with its state in the tenant (tenant admins). */
    async tenantConfig(actor: Actor, tenantId: string) {
      return database.scoped({ tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, "admin", tx);
        const rows = await repo.listForTenant(tenantId, tx);
        return rows.map((r) => ({
          ...summary(r.assistant),
          isEnabled: r.link?.isEnabled ?? false,
          pipeline: r.link?.pipeline ?? {},
        }));
      });
    },

    async setForTenant(
      actor: Actor,
      tenantId: string,
      assistantId: string,
      input: { isEnabled?: boolean; pipeline?: Pipeline },
    ) {
      return changing(
        database.scoped({ tenantId, userId: actor.userId }, async (tx) => {
          await deps.requireTenantRole(actor, tenantId, "admin", tx);
          const assistant = await repo.findById(assistantId, tx);
          if (!assistant) throw assistantNotFound();
          const link = await repo.findLink(assistantId, tenantId, tx);
          const next = {
            assistantId,
            tenantId,
            isEnabled: input.isEnabled ?? link?.isEnabled ?? false,
            pipeline: { ...(link?.pipeline ?? {}), ...(input.pipeline ?? {}) },
          };
          await repo.upsertLink(next, tx);
          await deps.audit.record(
            {
              tenantId,
              actorUserId: actor.userId,
              action: "assistant.tenant_updated",
              targetType: "assistant",
              targetId: assistantId,
              data: { isEnabled: next.isEnabled },
            },
            tx,
          );
          return { ...summary(assistant), isEnabled: next.isEnabled, pipeline: next.pipeline };
        }),
      );
    },

    async listAll(actor: Actor): Promise<Assistant[]> {
      requireInstanceAdmin(actor);
      return (await database.scoped(SYSTEM, (tx) => repo.listAll(tx))).map(presentAssistant);
    },

    async get(actor: Actor, id: string): Promise<Assistant> {
      requireInstanceAdmin(actor);
      const row = await database.scoped(SYSTEM, (tx) => repo.findById(id, tx));
      if (!row) throw assistantNotFound();
      return presentAssistant(row);
    },

    async create(actor: Actor, input: Omit<Assistant, "id" | "createdAt">): Promise<Assistant> {
      requireInstanceAdmin(actor);
      try {
        return await changing(
          database.scoped(SYSTEM, async (tx) => {
            if (await repo.findBySlug(input.slug, tx)) throw slugTaken();
            const row = await repo.create(input, tx);
            if (row.isDefault) await enableFor(row.id, await deps.tenantIds(tx), tx);
            await deps.audit.record(
              { actorUserId: actor.userId, action: "assistant.created", targetType: "assistant", targetId: row.id },
              tx,
            );
            return presentAssistant(row);
          }),
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw slugTaken();
        throw err;
      }
    },

    async update(actor: Actor, id: string, input: Partial<Omit<Assistant, "id" | "createdAt" | "slug" | "kind">>) {
      requireInstanceAdmin(actor);
      return changing(
        database.scoped(SYSTEM, async (tx) => {
          const row = await repo.update(id, input, tx);
          if (!row) throw assistantNotFound();
          await deps.audit.record(
            { actorUserId: actor.userId, action: "assistant.updated", targetType: "assistant", targetId: id },
            tx,
          );
          return presentAssistant(row);
        }),
      );
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireInstanceAdmin(actor);
      await changing(
        database.scoped(SYSTEM, async (tx) => {
          if (!(await repo.remove(id, tx))) throw assistantNotFound();
          await deps.audit.record(
            { actorUserId: actor.userId, action: "assistant.deleted", targetType: "assistant", targetId: id },
            tx,
          );
        }),
      );
    },

    /** Prompt versions: the instance's (instance admins) or one tenant's overrides (its admins). */
    async listPrompts(
      actor: Actor,
      assistantId: string,
      filter: { tenantId?: string; stage?: PromptStage },
    ): Promise<Prompt[]> {
      const tenantId = filter.tenantId ?? null;
      return database.scoped(tenantId ? { tenantId, userId: actor.userId } : SYSTEM, async (tx) => {
        if (tenantId) await deps.requireTenantRole(actor, tenantId, "admin", tx);
        else requireInstanceAdmin(actor);
        if (!(await repo.findById(assistantId, tx))) throw assistantNotFound();
        return (await repo.listPrompts(assistantId, { tenantId, stage: filter.stage }, tx)).map(presentPrompt);
      });
    },

    /** Editing a prompt creates a new version (active by default); older versions stay restorable. */
    async addPromptVersion(
      actor: Actor,
      assistantId: string,
      input: { stage: PromptStage; template: string; note: string; tenantId?: string; activate: boolean },
    ): Promise<Prompt> {
      const tenantId = input.tenantId ?? null;
      return changing(
        database.scoped(tenantId ? { tenantId, userId: actor.userId } : SYSTEM, async (tx) => {
          if (tenantId) await deps.requireTenantRole(actor, tenantId, "admin", tx);
          else requireInstanceAdmin(actor);
          if (!(await repo.findById(assistantId, tx))) throw assistantNotFound();
          const row = await repo.addPromptVersion(
            {
              assistantId,
              tenantId,
              stage: input.stage,
              template: input.template,
              note: input.note,
              createdBy: actor.userId,
            },
            input.activate,
            tx,
          );
          await deps.audit.record(
            {
              tenantId,
              actorUserId: actor.userId,
              action: "prompt.version_added",
              targetType: "prompt",
              targetId: row.id,
              data: { stage: row.stage, version: row.version },
            },
            tx,
          );
          return presentPrompt(row);
        }),
      );
    },

    /** Makes one version the active one of its stage (restore). */
    async activatePrompt(actor: Actor, promptId: string): Promise<Prompt> {
      const found = await database.scoped(isInstanceAdmin(actor) ? SYSTEM : { userId: actor.userId }, (tx) =>
        repo.findPrompt(promptId, tx),
      );
      if (!found) throw notFound("prompt.not_found", "No such prompt version.");
      return changing(
        database.scoped(found.tenantId ? { tenantId: found.tenantId, userId: actor.userId } : SYSTEM, async (tx) => {
          if (found.tenantId) await deps.requireTenantRole(actor, found.tenantId, "admin", tx);
          else requireInstanceAdmin(actor);
          await repo.deactivate(found.assistantId, found.tenantId, found.stage, tx);
          await repo.activate(found.id, tx);
          await deps.audit.record(
            {
              tenantId: found.tenantId,
              actorUserId: actor.userId,
              action: "prompt.activated",
              targetType: "prompt",
              targetId: found.id,
              data: { version: found.version },
            },
            tx,
          );
          return presentPrompt({ ...found, isActive: true });
        }),
      );
    },

    /**
     * The assistant, merged pipeline and active prompts for a chat in a tenant; throws if not
     * enabled. Cached per tenant and assistant (see `resolveCacheMs`); `tx` must be scoped to the tenant.
     */
    /** Without `tx`, a resolution not cached is read in a transaction of its own, scoped to the tenant. */
    async resolve(tenantId: string, assistantId: string, tx?: DB): Promise<ResolvedAssistant> {
      const read = () =>
        tx ? load(tenantId, assistantId, tx) : database.scoped({ tenantId }, (own) => load(tenantId, assistantId, own));
      if (deps.resolveCacheMs === 0) return read();
      return resolved.get(`${tenantId}:${assistantId}`, read);
    },

    /** Forgets cached resolutions (tests, and changes made outside this service). */
    invalidateCache() {
      resolved.invalidate();
    },
  };
}
export type AssistantsService = ReturnType<typeof createAssistantsService>;

const slugTaken = () => conflict("assistant.slug_taken", "Another assistant already uses this slug.");
