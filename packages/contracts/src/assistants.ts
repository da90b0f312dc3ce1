import { z } from "zod";
import { SlugSchema } from "./tenants";

export const AssistantKindSchema = z.enum(["general", "documents", "database"]);
export type AssistantKind = z.infer<typeof AssistantKindSchema>;
export const PromptStageSchema = z.enum(["system", "answer", "condense"]);
export type PromptStage = z.infer<typeof PromptStageSchema>;

/** Pipeline stages that can be switched on/off per assistant and tenant. */
export const PipelineSchema = z
  .object({
    condenseQuestion: z.boolean().optional(),
    retrieval: z.boolean().optional(),
    citations: z.boolean().optional(),
  })
  .strict();
export type Pipeline = z.infer<typeof PipelineSchema>;

/** What a user sees in the assistant picker. */
export const AssistantSummarySchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  kind: AssistantKindSchema,
  name: z.string(),
  description: z.string(),
});
export type AssistantSummary = z.infer<typeof AssistantSummarySchema>;

/** The full definition, for administrators. */
export const AssistantSchema = AssistantSummarySchema.extend({
  providerId: z.uuid().nullable(),
  model: z.string(),
  temperature: z.number().nullable(),
  pipeline: PipelineSchema,
  isDefault: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Assistant = z.infer<typeof AssistantSchema>;

export const CreateAssistantSchema = z
  .object({
    slug: SlugSchema,
    kind: AssistantKindSchema,
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(500).default(""),
    providerId: z.uuid().nullable().default(null),
    model: z.string().trim().max(200).default(""),
    temperature: z.number().min(0).max(2).nullable().default(null),
    pipeline: PipelineSchema.default({}),
    isDefault: z.boolean().default(false),
  })
  .strict();
export const UpdateAssistantSchema = CreateAssistantSchema.omit({ slug: true, kind: true }).partial().strict();

export const TenantAssistantSchema = AssistantSummarySchema.extend({
  isEnabled: z.boolean(),
  pipeline: PipelineSchema,
});
export const SetTenantAssistantSchema = z
  .object({ isEnabled: z.boolean().optional(), pipeline: PipelineSchema.optional() })
  .strict();

export const PromptSchema = z.object({
  id: z.uuid(),
  assistantId: z.uuid(),
  tenantId: z.uuid().nullable(),
  stage: PromptStageSchema,
  version: z.number().int(),
  template: z.string(),
  note: z.string(),
  isActive: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Prompt = z.infer<typeof PromptSchema>;

export const PromptListQuerySchema = z.object({
  tenantId: z.uuid().optional(),
  stage: PromptStageSchema.optional(),
});
export const CreatePromptVersionSchema = z
  .object({
    stage: PromptStageSchema,
    template: z.string().min(1).max(20_000),
    note: z.string().trim().max(200).default(""),
    /** Set to override the instance prompt for one tenant (tenant admins). */
    tenantId: z.uuid().optional(),
    activate: z.boolean().default(true),
  })
  .strict();
