import { z } from "zod";

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  tenantId: z.uuid(),
  tenantName: z.string(),
  /** First characters of the key, so a person can tell keys apart. */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreateApiKeySchema = z.object({ name: z.string().trim().min(1).max(80), tenantId: z.uuid() }).strict();
/** Answer to creation: the only time the whole key is shown. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });
