import { z } from "zod";
import { EmailSchema, PasswordSchema } from "./auth";
import { TenantRoleSchema } from "./users";

export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes");

export const TenantSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  memberCount: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Tenant = z.infer<typeof TenantSchema>;

export const CreateTenantSchema = z
  .object({ name: z.string().trim().min(1).max(120), slug: SlugSchema.optional() })
  .strict();
export const UpdateTenantSchema = z.object({ name: z.string().trim().min(1).max(120) }).strict();

export const MemberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: TenantRoleSchema,
  isActive: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Member = z.infer<typeof MemberSchema>;

/**
 * Add a member by email. If no user has that email and name+password are given, the user is
 * created too (instance admins only); otherwise the email must belong to an existing user.
 */
export const AddMemberSchema = z
  .object({
    email: EmailSchema,
    role: TenantRoleSchema.default("member"),
    name: z.string().trim().min(1).max(120).optional(),
    password: PasswordSchema.optional(),
  })
  .strict();
export const UpdateMemberSchema = z.object({ role: TenantRoleSchema }).strict();
export const MemberParamsSchema = z.object({ id: z.uuid(), userId: z.uuid() });
