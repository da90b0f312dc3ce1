/**
 * Stable error codes the API answers with. The web app maps each to a translated message, so
 * adding a code here means adding it to apps/web/src/i18n too.
 */
export const ERROR_CODES = [
  "request.invalid",
  "request.malformed_json",
  "request.too_large",
  "request.unsupported_media_type",
  "request.not_found",
  "request.rate_limited",
  "auth.invalid_credentials",
  "auth.unauthenticated",
  "auth.token_expired",
  "auth.token_invalid",
  "auth.refresh_reused",
  "auth.account_disabled",
  "auth.forbidden",
  "auth.wrong_password",
  "setup.already_done",
  "user.not_found",
  "user.email_taken",
  "user.cannot_change_owner",
  "tenant.not_found",
  "tenant.slug_taken",
  "tenant.not_member",
  "member.not_found",
  "member.already_exists",
  "member.last_admin",
  "api_key.not_found",
  "internal",
  "service.unavailable",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
