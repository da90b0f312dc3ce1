import { z } from "zod";

export const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() });
export const ReadySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  database: z.enum(["embedded", "postgres"]),
  checks: z.object({ database: z.boolean(), migrations: z.boolean() }),
});
