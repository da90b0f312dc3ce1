import { z } from "zod";

export const ProviderKindSchema = z.enum(["openai", "anthropic", "local-gguf"]);
export const ProviderModelSchema = z
  .object({
    id: z.string().trim().min(1).max(200),
    contextWindow: z.number().int().min(512).max(10_000_000).optional(),
    inputPer1M: z.number().min(0).optional(),
    outputPer1M: z.number().min(0).optional(),
  })
  .strict();

export const ProviderSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: ProviderKindSchema,
  baseUrl: z.string().nullable(),
  /** Whether a key is stored; the key itself is never returned. */
  hasApiKey: z.boolean(),
  models: z.array(ProviderModelSchema),
  isEnabled: z.boolean(),
  /** Configured from environment variables (read-only in the UI). */
  fromEnv: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Provider = z.infer<typeof ProviderSchema>;

export const CreateProviderSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    kind: ProviderKindSchema,
    baseUrl: z.url().max(500).nullable().default(null),
    apiKey: z.string().max(500).nullable().default(null),
    models: z.array(ProviderModelSchema).max(100).default([]),
    isEnabled: z.boolean().default(true),
  })
  .strict();
export const UpdateProviderSchema = CreateProviderSchema.partial().strict();
export const ProviderTestResultSchema = z.object({ ok: z.boolean(), message: z.string(), models: z.array(z.string()) });
