import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditLog, memberships, tenants } from "../src/infra/db/schema";
import { backends } from "./backends";
import { PASSWORD, startTestApp, type TestApp } from "./harness";

/**
 * Tenant isolation, twice over: every tenant-owned route refuses a member of tenant A acting on
 * tenant B's objects by id (and nothing changes), and row-level security hides B's rows from a
 * transaction scoped to A even when a query forgets its tenant filter.
 */
describe.each(backends)("tenant isolation on $name", (backend) => {
  let t: TestApp;
  let owner: { authorization: string };
  let alice: { id: string; authorization: string }; // admin of A
  let bob: { id: string; authorization: string }; // admin of B
  let a: { id: string };
  let b: { id: string };
  let bobKeyId: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await t.setupOwner();
    alice = await t.createUser(owner, "alice@a.example.com");
    bob = await t.createUser(owner, "bob@b.example.com");
    a = await t.createTenant(owner, "Tenant A");
    b = await t.createTenant(owner, "Tenant B");
    await t.addMember(owner, a.id, "alice@a.example.com", "admin");
    await t.addMember(owner, b.id, "bob@b.example.com", "admin");
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: bob,
      payload: { name: "b-key", tenantId: b.id },
    });
    bobKeyId = key.json().id;
  });
  afterAll(() => t?.close());

  const snapshot = async () =>
    t.container.database.scoped({ bypass: true }, async (tx) => ({
      tenantB: await tx.select().from(tenants).where(eq(tenants.id, b.id)),
      membersB: await tx.select().from(memberships).where(eq(memberships.tenantId, b.id)),
      keysB: await tx.select().from(apiKeys).where(eq(apiKeys.tenantId, b.id)),
    }));

  // Every tenant-owned route, aimed at tenant B's objects.
  const attempts = () =>
    [
      { method: "GET", url: `/api/v1/tenants/${b.id}` },
      { method: "PATCH", url: `/api/v1/tenants/${b.id}`, payload: { name: "Owned" } },
      { method: "DELETE", url: `/api/v1/tenants/${b.id}` },
      { method: "GET", url: `/api/v1/tenants/${b.id}/members` },
      {
        method: "POST",
        url: `/api/v1/tenants/${b.id}/members`,
        payload: { email: "alice@a.example.com", role: "admin" },
      },
      {
        method: "POST",
        url: `/api/v1/tenants/${b.id}/members`,
        payload: { email: "sneaky@example.com", role: "admin", name: "S", password: PASSWORD },
      },
      { method: "PATCH", url: `/api/v1/tenants/${b.id}/members/${bob.id}`, payload: { role: "member" } },
      { method: "DELETE", url: `/api/v1/tenants/${b.id}/members/${bob.id}` },
      { method: "POST", url: "/api/v1/api-keys", payload: { name: "steal", tenantId: b.id } },
      { method: "DELETE", url: `/api/v1/api-keys/${bobKeyId}` },
    ] as const;

  it("refuses every cross-tenant read and write with 403/404 and changes nothing", async () => {
    const before = await snapshot();
    for (const attempt of attempts()) {
      const res = await t.app.inject({ ...attempt, headers: alice } as never);
      expect([403, 404], `${attempt.method} ${attempt.url} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
    expect(await snapshot()).toEqual(before);
    const sneaky = await t.container.database.scoped({ bypass: true }, (tx) =>
      t.container.repos.users.findByEmail("sneaky@example.com", tx),
    );
    expect(sneaky).toBeUndefined();
  });

  it("refuses the same through an API key bound to tenant A", async () => {
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: alice,
      payload: { name: "a-key", tenantId: a.id },
    });
    const keyAuth = { authorization: `Bearer ${key.json().key}` };
    const before = await snapshot();
    for (const attempt of attempts()) {
      const res = await t.app.inject({ ...attempt, headers: keyAuth } as never);
      expect([403, 404], `${attempt.method} ${attempt.url} → ${res.statusCode}`).toContain(res.statusCode);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lists show only the caller's tenants", async () => {
    const list = await t.app.inject({ url: "/api/v1/tenants", headers: alice });
    expect(list.json().map((x: { id: string }) => x.id)).toEqual([a.id]);
    const keys = await t.app.inject({ url: "/api/v1/api-keys", headers: alice });
    expect(keys.json().every((k: { tenantId: string }) => k.tenantId === a.id)).toBe(true);
  });

  it("row-level security hides tenant B's rows from a query that forgets its tenant filter", async () => {
    const db = t.container.database;
    const seen = await db.scoped({ tenantId: a.id }, async (tx) => ({
      tenants: await tx.select().from(tenants),
      memberships: await tx.select().from(memberships),
      apiKeys: await tx.select().from(apiKeys),
      audit: await tx.select().from(auditLog),
    }));
    expect(seen.tenants.map((x) => x.id)).toEqual([a.id]);
    expect(seen.memberships.length).toBeGreaterThan(0);
    expect(seen.memberships.every((m) => m.tenantId === a.id)).toBe(true);
    expect(seen.apiKeys.every((k) => k.tenantId === a.id)).toBe(true);
    expect(seen.audit.length).toBeGreaterThan(0);
    expect(seen.audit.every((r) => r.tenantId === a.id)).toBe(true);

    // No scope at all: the app role sees no tenant-owned rows.
    expect(await db.db.select().from(memberships)).toEqual([]);
    expect(await db.db.select().from(tenants)).toEqual([]);
  });

  it("row-level security refuses writes into another tenant", async () => {
    const db = t.container.database;
    await expect(
      db.scoped({ tenantId: a.id }, (tx) =>
        tx.insert(memberships).values({ tenantId: b.id, userId: alice.id, role: "admin" }),
      ),
    ).rejects.toThrow();
    const updated = await db.scoped({ tenantId: a.id }, (tx) =>
      tx.update(tenants).set({ name: "pwned" }).where(eq(tenants.id, b.id)).returning(),
    );
    expect(updated).toEqual([]);
    const deleted = await db.scoped({ tenantId: a.id }, (tx) =>
      tx.delete(apiKeys).where(eq(apiKeys.tenantId, b.id)).returning(),
    );
    expect(deleted).toEqual([]);
  });

  it("the app role is not a superuser and does not bypass row-level security", async () => {
    const [row] = await t.container.database.runner.query(
      "select current_user as who, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user",
    );
    expect(row).toMatchObject({ who: "atrium_app", rolsuper: false, rolbypassrls: false });
  });
});
