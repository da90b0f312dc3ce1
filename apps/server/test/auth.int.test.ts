import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./backends";
import { OWNER, PASSWORD, startTestApp, type TestApp } from "./harness";

describe.each(backends)("auth on $name", (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LOGIN_MAX_FAILURES: 3 });
  });
  afterAll(() => t?.close());

  it("runs first-run setup once, then refuses it", async () => {
    expect((await t.app.inject("/api/v1/setup/status")).json()).toEqual({ needsSetup: true });
    await t.setupOwner();
    expect((await t.app.inject("/api/v1/setup/status")).json()).toEqual({ needsSetup: false });
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/setup",
      payload: { ...OWNER, email: "x@example.com" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("setup.already_done");
  });

  it("signs in with the OAuth2 password flow (form fields) and returns the profile", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `grant_type=password&username=${encodeURIComponent(OWNER.email)}&password=${encodeURIComponent(OWNER.password)}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token_type).toBe("bearer");
    expect(body.expires_in).toBeGreaterThan(0);
    const me = await t.app.inject({
      url: "/api/v1/users/me",
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: OWNER.email, role: "owner", memberships: [] });
    expect(me.json()).not.toHaveProperty("passwordHash");
  });

  it("stores passwords as argon2id hashes", async () => {
    const user = await t.container.database.scoped({ bypass: true }, (tx) =>
      t.container.repos.users.findByEmail(OWNER.email, tx),
    );
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("rejects a wrong password, then locks the account after repeated failures", async () => {
    const owner = { authorization: (await t.login(OWNER.email, OWNER.password)).authorization };
    await t.createUser(owner, "locky@example.com");
    const attempt = (password: string) =>
      t.app.inject({ method: "POST", url: "/api/v1/auth/token", payload: { username: "locky@example.com", password } });
    for (let i = 0; i < 3; i++) {
      const res = await attempt("wrong-password");
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("auth.invalid_credentials");
    }
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("request.rate_limited");
  });

  it("rotates refresh tokens and revokes the family when an old one is reused", async () => {
    const { tokens } = await t.login(OWNER.email, OWNER.password);
    const first = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/refresh",
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refresh_token as string;
    expect(rotated).not.toBe(tokens.refresh_token);

    const reuse = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/refresh",
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe("auth.refresh_reused");
    // The thief's reuse also killed the legitimate rotated token.
    const after = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/refresh",
      payload: { refresh_token: rotated },
    });
    expect(after.statusCode).toBe(401);
  });

  it("logout ends the session's refresh token", async () => {
    const { tokens } = await t.login(OWNER.email, OWNER.password);
    const out = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(out.statusCode).toBe(204);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/refresh",
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(res.statusCode).toBe(401);
  });

  it("answers expired and forged access tokens with distinct codes", async () => {
    const secret = await t.container.database.scoped({ bypass: true }, (tx) =>
      t.container.repos.settings.get<string>("jwt_secret", tx),
    );
    const key = new TextEncoder().encode(secret);
    const expired = await new SignJWT({ typ: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setIssuer("atrium")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    const res = await t.app.inject({ url: "/api/v1/users/me", headers: { authorization: `Bearer ${expired}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe("auth.token_expired");
    const forged = await new SignJWT({ typ: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setIssuer("atrium")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-another-secret-another"));
    const bad = await t.app.inject({ url: "/api/v1/users/me", headers: { authorization: `Bearer ${forged}` } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe("auth.token_invalid");
  });

  it("disabling a user ends their access", async () => {
    const owner = { authorization: (await t.login(OWNER.email, OWNER.password)).authorization };
    const u = await t.createUser(owner, "gone@example.com");
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${u.id}`,
      headers: owner,
      payload: { isActive: false },
    });
    expect(patch.statusCode).toBe(200);
    const me = await t.app.inject({ url: "/api/v1/users/me", headers: { authorization: u.authorization } });
    expect(me.statusCode).toBe(403);
    expect(me.json().error.code).toBe("auth.account_disabled");
  });

  it("API keys act as their user within one tenant only, and stop working when revoked", async () => {
    const owner = { authorization: (await t.login(OWNER.email, OWNER.password)).authorization };
    const a = await t.createTenant(owner, "Key Tenant A");
    const b = await t.createTenant(owner, "Key Tenant B");
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: owner,
      payload: { name: "ci", tenantId: a.id },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^atr_/);
    const keyAuth = { authorization: `Bearer ${key}` };

    const listed = await t.app.inject({ url: "/api/v1/api-keys", headers: owner });
    expect(listed.json().find((k: { id: string }) => k.id === id)).not.toHaveProperty("key");

    expect((await t.app.inject({ url: `/api/v1/tenants/${a.id}`, headers: keyAuth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/tenants/${b.id}`, headers: keyAuth })).statusCode).toBe(404);
    // An owner's key does not carry instance-admin powers.
    expect((await t.app.inject({ url: "/api/v1/users", headers: keyAuth })).statusCode).toBe(403);
    const tenants = await t.app.inject({ url: "/api/v1/tenants", headers: keyAuth });
    expect(tenants.json().map((x: { id: string }) => x.id)).toEqual([a.id]);

    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/api-keys/${id}`, headers: owner })).statusCode).toBe(
      204,
    );
    const revoked = await t.app.inject({ url: `/api/v1/tenants/${a.id}`, headers: keyAuth });
    expect(revoked.statusCode).toBe(401);
  });

  it("changes the own password only with the current one", async () => {
    const owner = { authorization: (await t.login(OWNER.email, OWNER.password)).authorization };
    const u = await t.createUser(owner, "pw@example.com");
    const wrong = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/users/me",
      headers: { authorization: u.authorization },
      payload: { currentPassword: "nope-nope-nope", newPassword: "Brand-New-Passw0rd" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe("auth.wrong_password");
    const ok = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/users/me",
      headers: { authorization: u.authorization },
      payload: { currentPassword: PASSWORD, newPassword: "Brand-New-Passw0rd" },
    });
    expect(ok.statusCode).toBe(200);
    await expect(t.login("pw@example.com", "Brand-New-Passw0rd")).resolves.toBeDefined();
  });
});
