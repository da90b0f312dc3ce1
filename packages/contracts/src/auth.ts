import { z } from "zod";

export const EmailSchema = z.email().trim().toLowerCase().max(254);
/** Passwords: at least 10 characters; long passphrases welcome. */
export const PasswordSchema = z.string().min(10, "Use at least 10 characters").max(256, "Use at most 256 characters");

/** OAuth2 password flow (form-encoded): username is the email. */
export const TokenRequestSchema = z.object({
  grant_type: z.literal("password").optional(),
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  scope: z.string().optional(),
});

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const RefreshRequestSchema = z.object({ refresh_token: z.string().min(1).max(512) });
export const LogoutRequestSchema = z.object({ refresh_token: z.string().min(1).max(512).optional() });

export const SetupStatusSchema = z.object({ needsSetup: z.boolean() });
export const SetupRequestSchema = z.object({
  email: EmailSchema,
  name: z.string().trim().min(1).max(120),
  password: PasswordSchema,
});
