import type { TFunction } from "i18next";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../lib/api-client";

/** i18next's translate function (from useTranslation or the i18n instance). */
export type Translate = TFunction;

/** Minimal shape shared by zod issues and Fastify/Ajv validation entries. */
interface IssueLike {
  path?: readonly PropertyKey[] | string;
  instancePath?: string;
  code?: string;
  message?: string;
  origin?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

/**
 * Says what went wrong in the interface language: the translation of the error's code when one
 * exists, otherwise the server's own message. Server faults carry the request id to quote.
 */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t("errors.unexpected");
  // A refusal without field issues ("you cannot disable your own account") is best told in the server's words.
  if (error.code === "request.invalid" && issuesFrom(error.details).length === 0 && error.message) {
    return error.message;
  }
  const message = t(`errors.${error.code}`, { defaultValue: error.message });
  if (error.status >= 500 && error.requestId) {
    return t("errors.withRequestId", { message, requestId: error.requestId });
  }
  return message;
}

function issuesFrom(details: unknown): IssueLike[] {
  if (Array.isArray(details)) return details.filter((d): d is IssueLike => typeof d === "object" && d !== null);
  if (typeof details !== "object" || details === null) return [];
  const record = details as Record<string, unknown>;
  if (Array.isArray(record.issues)) return issuesFrom(record.issues);
  if (Array.isArray(record.validation)) return issuesFrom(record.validation);
  // zod's flatten(): { fieldErrors: { email: ["..."] } }
  if (typeof record.fieldErrors === "object" && record.fieldErrors !== null) {
    return Object.entries(record.fieldErrors as Record<string, unknown>).flatMap(([field, messages]) =>
      Array.isArray(messages) && typeof messages[0] === "string" ? [{ path: [field], message: messages[0] }] : [],
    );
  }
  return [];
}

/** The server prefixes paths with the request part ("body.email"); forms only know "email". */
const REQUEST_PARTS = /^(body|querystring|query|params|headers)\./;

function fieldOf(issue: IssueLike): string | undefined {
  let path: string | undefined;
  if (Array.isArray(issue.path)) path = issue.path.map(String).join(".");
  else if (typeof issue.path === "string") path = issue.path.replace(/^\//, "").replaceAll("/", ".");
  else if (issue.instancePath) path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
  return path?.replace(REQUEST_PARTS, "") || undefined;
}

/** Translates one validation issue (from zod on either side of the wire) into a sentence. */
export function issueMessage(issue: IssueLike, t: Translate): string {
  switch (issue.code) {
    case "too_small": {
      const min = Number(issue.minimum ?? 1);
      if (issue.origin === "string" && min > 1) return t("validation.tooShort", { min });
      return t("validation.required");
    }
    case "too_big":
      return t("validation.tooLong", { max: Number(issue.maximum ?? 0) });
    case "invalid_format":
      return issue.format === "email" ? t("validation.email") : t("validation.format");
    case "invalid_type":
      return t("validation.required");
    case "invalid_value":
      return t("validation.choice");
    default:
      return issue.message ?? t("validation.invalid");
  }
}

/** One message per field (the first issue wins), keyed by the field's dotted path. */
export function issuesToFieldErrors(issues: readonly IssueLike[], t: Translate): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = fieldOf(issue);
    if (field && !(field in fields)) fields[field] = issueMessage(issue, t);
  }
  return fields;
}

export interface FormErrors {
  /** Messages shown beside their field. */
  fields: Record<string, string>;
  /** A message for the whole form, shown above the buttons. */
  form?: string;
}

/**
 * Turns a failed request into messages beside fields and/or one for the form. `codeFields` puts an
 * error code next to the field it is about (e.g. user.email_taken beside the email input).
 */
export function toFormErrors(
  error: unknown,
  t: Translate,
  codeFields: Partial<Record<string, string>> = {},
): FormErrors {
  if (!(error instanceof ApiError)) return { fields: {}, form: describeError(error, t) };
  const fields = issuesToFieldErrors(issuesFrom(error.details), t);
  const field = codeFields[error.code];
  if (field) {
    fields[field] = describeError(error, t);
    return { fields };
  }
  return { fields, form: describeError(error, t) };
}

/** Client-side check with a contract schema, giving the same translated messages as the server's. */
export function validateWith<T>(
  schema: {
    safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
  },
  value: unknown,
  t: Translate,
): { ok: true; data: T } | { ok: false; fields: Record<string, string> } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, fields: issuesToFieldErrors(result.error.issues as IssueLike[], t) };
}

/**
 * Form error state for one form: set it from a failed mutation or a failed client-side check.
 * Pass `codeFields` as a module-level constant so its identity is stable.
 */
export function useFormErrors(codeFields?: Partial<Record<string, string>>) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const fromError = useCallback((error: unknown) => setErrors(toFormErrors(error, t, codeFields)), [t, codeFields]);
  return useMemo(
    () => ({
      fields: errors.fields,
      form: errors.form,
      fromError,
      setFields: (fields: Record<string, string>) => setErrors({ fields }),
      clear: () => setErrors({ fields: {} }),
    }),
    [errors, fromError],
  );
}
