import type { Provider } from "@atrium/contracts";
import type { Database } from "../../infra/db/database";
import { isLlmError } from "../../infra/llm/llm.types";
import type { SecretBox } from "../../infra/secrets";
import { notFound } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import { requireInstanceAdmin } from "../tenants/tenant-access";
import type { ModelResolverDeps } from "./model-resolver";
import { providerFromRow } from "./model-resolver";
import type { NewProvider, ProviderRow, ProvidersRepository } from "./providers.repository";

export interface ProvidersServiceDeps {
  database: Pick<Database, "scoped">;
  providers: ProvidersRepository;
  audit: Pick<AuditRepository, "record">;
  secrets: SecretBox;
  /** The environment's provider, shown read-only. */
  env?: { kind: "openai" | "anthropic" | "local-gguf"; baseUrl: string | null; model: string; hasApiKey: boolean };
  createLocalProvider?: ModelResolverDeps["createLocalProvider"];
  /** Called after a provider was added, changed or removed (the model resolver forgets its rows). */
  onChanged?: () => void;
}

const SYSTEM = { bypass: true } as const;
/** Id under which the environment's provider is listed. */
export const ENV_PROVIDER_ID = "00000000-0000-0000-0000-0000000000e1";

function present(row: ProviderRow): Provider {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    baseUrl: row.baseUrl,
    hasApiKey: Boolean(row.apiKeyEncrypted),
    models: row.models,
    isEnabled: row.isEnabled,
    fromEnv: false,
    createdAt: row.createdAt.toISOString(),
  };
}

type Input = {
  name?: string;
  kind?: "openai" | "anthropic" | "local-gguf";
  baseUrl?: string | null;
  apiKey?: string | null;
  models?: Provider["models"];
  isEnabled?: boolean;
};

/** LLM providers configured by instance admins; keys are encrypted and never returned. */
export function createProvidersService(deps: ProvidersServiceDeps) {
  const { database, providers: repo } = deps;
  const providerNotFound = () => notFound("provider.not_found", "No such provider.");

  const toRow = (input: Input): Partial<NewProvider> => {
    const row: Partial<NewProvider> = {};
    if (input.name !== undefined) row.name = input.name;
    if (input.kind !== undefined) row.kind = input.kind;
    if (input.baseUrl !== undefined) row.baseUrl = input.baseUrl;
    if (input.models !== undefined) row.models = input.models;
    if (input.isEnabled !== undefined) row.isEnabled = input.isEnabled;
    // An empty string clears the key; undefined keeps it.
    if (input.apiKey !== undefined) row.apiKeyEncrypted = input.apiKey ? deps.secrets.seal(input.apiKey) : null;
    return row;
  };

  return {
    async list(actor: Actor): Promise<Provider[]> {
      requireInstanceAdmin(actor);
      const rows = (await database.scoped(SYSTEM, (tx) => repo.list(tx))).map(present);
      if (!deps.env) return rows;
      return [
        {
          id: ENV_PROVIDER_ID,
          name: "Environment (LLM_*)",
          kind: deps.env.kind,
          baseUrl: deps.env.baseUrl,
          hasApiKey: deps.env.hasApiKey,
          models: deps.env.model ? [{ id: deps.env.model }] : [],
          isEnabled: true,
          fromEnv: true,
          createdAt: new Date(0).toISOString(),
        },
        ...rows,
      ];
    },

    async create(
      actor: Actor,
      input: Input & { name: string; kind: "openai" | "anthropic" | "local-gguf" },
    ): Promise<Provider> {
      requireInstanceAdmin(actor);
      const created = await database.scoped(SYSTEM, async (tx) => {
        const row = await repo.create(toRow(input) as NewProvider, tx);
        await deps.audit.record(
          {
            actorUserId: actor.userId,
            action: "provider.created",
            targetType: "provider",
            targetId: row.id,
            data: { kind: row.kind },
          },
          tx,
        );
        return present(row);
      });
      deps.onChanged?.();
      return created;
    },

    async update(actor: Actor, id: string, input: Input): Promise<Provider> {
      requireInstanceAdmin(actor);
      const updated = await database.scoped(SYSTEM, async (tx) => {
        const row = await repo.update(id, toRow(input), tx);
        if (!row) throw providerNotFound();
        await deps.audit.record(
          { actorUserId: actor.userId, action: "provider.updated", targetType: "provider", targetId: id },
          tx,
        );
        return present(row);
      });
      deps.onChanged?.();
      return updated;
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireInstanceAdmin(actor);
      await database.scoped(SYSTEM, async (tx) => {
        if (!(await repo.remove(id, tx))) throw providerNotFound();
        await deps.audit.record(
          { actorUserId: actor.userId, action: "provider.deleted", targetType: "provider", targetId: id },
          tx,
        );
      });
      deps.onChanged?.();
    },

    /** Checks a provider answers: lists its models where it can. */
    async test(actor: Actor, id: string): Promise<{ ok: boolean; message: string; models: string[] }> {
      requireInstanceAdmin(actor);
      const row = await database.scoped(SYSTEM, (tx) => repo.findById(id, tx));
      if (!row) throw providerNotFound();
      try {
        const provider = providerFromRow(row, deps.secrets, deps.createLocalProvider);
        const models = provider.listModels ? await provider.listModels() : row.models.map((m) => m.id);
        return { ok: true, message: `Connected: ${models.length} model(s) available.`, models };
      } catch (err) {
        const message = isLlmError(err) ? err.message : err instanceof Error ? err.message : String(err);
        return { ok: false, message, models: [] };
      }
    },
  };
}
export type ProvidersService = ReturnType<typeof createProvidersService>;
