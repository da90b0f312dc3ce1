import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./backends";
import { startTestApp, type TestApp } from "./harness";

describe.each(backends)("error answers on $name", (backend) => {
  let t: TestApp;
  let owner: { authorization: string };
  let member: { authorization: string };
  beforeAll(async () => {
    t = await startTestApp(backend, { BODY_LIMIT_BYTES: 4096 });
    owner = await t.setupOwner();
    member = await t.createUser(owner, "plain@example.com");
  });
  afterAll(() => t?.close());

  const expectError = (res: { statusCode: number; json(): unknown; body: string }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    const body = res.json() as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
    expect(body.error.requestId).toBeTruthy();
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  };

  it("malformed JSON → 400 request.malformed_json", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tenants",
      headers: { ...owner, "content-type": "application/json" },
      payload: '{"name": "x",',
    });
    expectError(res, 400, "request.malformed_json");
  });

  it("unknown fields → 400 request.invalid naming the field", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tenants",
      headers: owner,
      payload: { name: "T", color: "red" },
    });
    expectError(res, 400, "request.invalid");
    expect(JSON.stringify(res.json())).toContain("color");
  });

  it("missing or wrong-typed fields → 400 with the path", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: owner,
      payload: { email: "not-an-email", name: "", password: "short" },
    });
    expectError(res, 400, "request.invalid");
    const paths = (res.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map(
      (i) => i.path,
    );
    expect(paths.join(" ")).toContain("email");
  });

  it("oversize body → 413 request.too_large", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tenants",
      headers: owner,
      payload: { name: "x".repeat(10_000) },
    });
    expectError(res, 413, "request.too_large");
  });

  it("bad UUID in a path → 400", async () => {
    expectError(await t.app.inject({ url: "/api/v1/tenants/not-a-uuid", headers: owner }), 400, "request.invalid");
  });

  it("no token → 401 auth.unauthenticated; garbage token → 401 auth.token_invalid", async () => {
    expectError(await t.app.inject({ url: "/api/v1/users/me" }), 401, "auth.unauthenticated");
    expectError(
      await t.app.inject({ url: "/api/v1/users/me", headers: { authorization: "Bearer abc.def.ghi" } }),
      401,
      "auth.token_invalid",
    );
  });

  it("missing permission → 403 auth.forbidden", async () => {
    expectError(await t.app.inject({ url: "/api/v1/users", headers: member }), 403, "auth.forbidden");
    expectError(
      await t.app.inject({ method: "POST", url: "/api/v1/tenants", headers: member, payload: { name: "Mine" } }),
      403,
      "auth.forbidden",
    );
  });

  it("unknown API route → 404 request.not_found as JSON", async () => {
    expectError(await t.app.inject({ url: "/api/v1/nope" }), 404, "request.not_found");
  });

  it("wrong content type → 415", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tenants",
      headers: { ...owner, "content-type": "text/plain" },
      payload: "hello",
    });
    expectError(res, 415, "request.unsupported_media_type");
  });

  it("duplicate email → 409 user.email_taken (case-insensitive)", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: owner,
      payload: { email: "PLAIN@example.com", name: "P", password: "Long-enough-1" },
    });
    expectError(res, 409, "user.email_taken");
  });
});
