import { CreateUserSchema } from "@atrium/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../lib/api-client";
import { describeError, toFormErrors, validateWith } from "./errors";
import { i18n } from "./index";

const t = i18n.getFixedT("en");
const tRu = i18n.getFixedT("ru");

beforeAll(async () => {
  await i18n.changeLanguage("en");
});

describe("error messages", () => {
  it("translates known codes and falls back to the server's message for unknown ones", () => {
    const known = new ApiError({ status: 409, code: "member.last_admin", message: "server text", requestId: "r1" });
    const unknown = new ApiError({
      status: 400,
      code: "chat.something_new",
      message: "Server says what to do",
      requestId: "r2",
    });

    expect(describeError(known, tRu)).toBe(
      "В отделе должен остаться хотя бы один администратор. Сначала назначьте администратором кого-то другого.",
    );
    expect(describeError(unknown, tRu)).toBe("Server says what to do");
  });

  it("quotes the request id for server faults", () => {
    const error = new ApiError({ status: 500, code: "internal", message: "boom", requestId: "req-99" });
    expect(describeError(error, t)).toContain("req-99");
  });

  it("puts validation issues from the server beside their fields", () => {
    const error = new ApiError({
      status: 400,
      code: "request.invalid",
      message: "Invalid request",
      requestId: "r3",
      details: [
        { code: "too_small", origin: "string", minimum: 10, path: ["password"], message: "Use at least 10 characters" },
        { code: "invalid_format", format: "email", path: ["email"], message: "Invalid email" },
      ],
    });

    const errors = toFormErrors(error, t);

    expect(errors.fields).toEqual({
      password: "Use at least 10 characters.",
      email: "Enter a valid email address, like name@example.org.",
    });
    expect(errors.form).toBe(t("errors.request.invalid"));
  });

  it("understands the server's { issues: [{ path: 'body.field' }] } details", () => {
    const error = new ApiError({
      status: 400,
      code: "request.invalid",
      message: "body.slug: Use lowercase letters",
      requestId: "r5",
      details: { issues: [{ path: "body.slug", message: "Use lowercase letters, digits and single dashes" }] },
    });
    expect(toFormErrors(error, t).fields).toEqual({ slug: "Use lowercase letters, digits and single dashes" });
  });

  it("shows a code that is about one field beside that field", () => {
    const error = new ApiError({ status: 409, code: "user.email_taken", message: "taken", requestId: "r4" });
    expect(toFormErrors(error, t, { "user.email_taken": "email" })).toEqual({
      fields: { email: "Another account already uses this email. Use a different one." },
    });
  });

  it("checks forms with the contract schemas, in the interface language", () => {
    const result = validateWith(CreateUserSchema, { email: "nope", name: "", password: "short" }, tRu);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fields).toEqual({
      email: "Введите корректный адрес эл. почты, например name@example.org.",
      name: "Заполните это поле.",
      password: "Минимальная длина — 10.",
    });
  });
});
