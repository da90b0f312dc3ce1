import { z } from "zod";
import { EmailSchema, PasswordSchema } from "./auth";
import { pageOf } from "./common";

/** Instance-wide role: owner (created at setup) and admin manage everything; member uses. */
export const InstanceRoleSchema = z.enum(["owner", "admin", "member"]);
export type InstanceRole = z.infer<typeof InstanceRoleSchema>;
/** Role inside one tenant (department). */
export const TenantRoleSchema = z.enum(["admin", "member"]);
export type TenantRole = z.infer<typeof TenantRoleSchema>;

export const LocaleSchema = z.enum(["en", "ru"]);

export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: InstanceRoleSchema,
  isActive: z.boolean(),
  locale: LocaleSchema,
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable(),
});
export type User = z.infer<typeof UserSchema>;

export const MembershipSchema = z.object({
  tenantId: z.uuid(),
  tenantName: z.string(),
  tenantSlug: z.string(),
  role: TenantRoleSchema,
});
export type Membership = z.infer<typeof MembershipSchema>;

export const MeSchema = UserSchema.extend({ memberships: z.array(MembershipSchema) });
export type Me = z.infer<typeof MeSchema>;

export const UpdateMeSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    locale: LocaleSchema.optional(),
    currentPassword: z.string().min(1).max(256).optional(),
    newPassword: PasswordSchema.optional(),
  })
  .strict();

export const CreateUserSchema = z
  .object({
    email: EmailSchema,
    name: z.string().trim().min(1).max(120),
    password: PasswordSchema,
    role: InstanceRoleSchema.exclude(["owner"]).default("member"),
  })
  .strict();

export const UpdateUserSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: InstanceRoleSchema.exclude(["owner"]).optional(),
    isActive: z.boolean().optional(),
    password: PasswordSchema.optional(),
  })
  .strict();

export const UserListSchema = pageOf(UserSchema);
