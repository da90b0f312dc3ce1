import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./backends";
import { PASSWORD, startTestApp, type TestApp } from "./harness";

describe.each(backends)("tenants and memberships on $name", (backend) => {
  let t: TestApp;
  let owner: { authorization: string };
  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await t.setupOwner();
  });
  afterAll(() => t?.close());

  it("creates a tenant with a unique slug; the creator becomes its admin", async () => {
    const a = await t.createTenant(owner, "Отдел продаж");
    expect(a.slug).toBe("otdel-prodazh");
    const b = await t.createTenant(owner, "Отдел продаж");
    expect(b.slug).toBe("otdel-prodazh-2");
    const me = await t.app.inject({ url: "/api/v1/users/me", headers: owner });
    expect(me.json().memberships).toEqual(
      expect.arrayContaining([expect.objectContaining({ tenantId: a.id, role: "admin", tenantName: "Отдел продаж" })]),
    );
    const dup = await t.app.inject({
      method: "POST",
      url: "/api/v1/tenants",
      headers: owner,
      payload: { name: "X", slug: a.slug },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("tenant.slug_taken");
  });

  it("adds members by email, creating the account when a name and password are given", async () => {
    const tenant = await t.createTenant(owner, "Finance");
    const unknown = await t.app.inject({
      method: "POST",
      url: `/api/v1/tenants/${tenant.id}/members`,
      headers: owner,
      payload: { email: "new@example.com" },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("user.not_found");
    const created = await t.app.inject({
      method: "POST",
      url: `/api/v1/tenants/${tenant.id}/members`,
      headers: owner,
      payload: { email: "new@example.com", name: "Nina New", password: PASSWORD, role: "member" },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: "new@example.com", role: "member" });
    const again = await t.app.inject({
      method: "POST",
      url: `/api/v1/tenants/${tenant.id}/members`,
      headers: owner,
      payload: { email: "new@example.com" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("member.already_exists");

    const nina = { authorization: (await t.login("new@example.com", PASSWORD)).authorization };
    const list = await t.app.inject({ url: "/api/v1/tenants", headers: nina });
    expect(list.json().map((x: { id: string }) => x.id)).toEqual([tenant.id]);
    expect(list.json()[0].memberCount).toBe(2);
  });

  it("a user in several tenants sees each with its role", async () => {
    const u = await t.createUser(owner, "multi@example.com");
    const x = await t.createTenant(owner, "Multi X");
    const y = await t.createTenant(owner, "Multi Y");
    await t.addMember(owner, x.id, "multi@example.com", "admin");
    await t.addMember(owner, y.id, "multi@example.com", "member");
    const me = (await t.app.inject({ url: "/api/v1/users/me", headers: u })).json();
    expect(me.memberships.map((m: { tenantId: string; role: string }) => [m.tenantId, m.role]).sort()).toEqual(
      [
        [x.id, "admin"],
        [y.id, "member"],
      ].sort(),
    );
  });

  it("tenant admins manage their members; members cannot", async () => {
    const tenant = await t.createTenant(owner, "Legal");
    const boss = await t.createUser(owner, "boss@example.com");
    const worker = await t.createUser(owner, "worker@example.com");
    await t.addMember(owner, tenant.id, "boss@example.com", "admin");
    await t.addMember(owner, tenant.id, "worker@example.com", "member");

    const byMember = await t.app.inject({ url: `/api/v1/tenants/${tenant.id}/members`, headers: worker });
    expect(byMember.statusCode).toBe(403);
    const rename = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/tenants/${tenant.id}`,
      headers: worker,
      payload: { name: "Hacked" },
    });
    expect(rename.statusCode).toBe(403);

    const promote = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/tenants/${tenant.id}/members/${worker.id}`,
      headers: boss,
      payload: { role: "admin" },
    });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().role).toBe("admin");
    const renamed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/tenants/${tenant.id}`,
      headers: boss,
      payload: { name: "Legal & Compliance" },
    });
    expect(renamed.json().name).toBe("Legal & Compliance");
    // A tenant admin cannot delete the tenant: only instance admins can.
    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/tenants/${tenant.id}`, headers: boss })).statusCode,
    ).toBe(403);
  });

  it("keeps at least one admin in a tenant", async () => {
    const tenant = await t.createTenant(owner, "Solo");
    const me = (await t.app.inject({ url: "/api/v1/users/me", headers: owner })).json();
    const demote = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/tenants/${tenant.id}/members/${me.id}`,
      headers: owner,
      payload: { role: "member" },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe("member.last_admin");
    const leave = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/tenants/${tenant.id}/members/${me.id}`,
      headers: owner,
    });
    expect(leave.json().error.code).toBe("member.last_admin");
  });

  it("deleting a tenant removes its memberships and keys", async () => {
    const tenant = await t.createTenant(owner, "Temp");
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: owner,
      payload: { name: "k", tenantId: tenant.id },
    });
    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/tenants/${tenant.id}`, headers: owner })).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/tenants/${tenant.id}`, headers: owner })).statusCode).toBe(404);
    const keys = (await t.app.inject({ url: "/api/v1/api-keys", headers: owner })).json();
    expect(keys.find((k: { id: string }) => k.id === key.json().id)).toBeUndefined();
  });

  it("the owner cannot be demoted, disabled or deleted", async () => {
    const me = (await t.app.inject({ url: "/api/v1/users/me", headers: owner })).json();
    const admin = await t.createUser(owner, "second-admin@example.com", "admin");
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/users/${me.id}`,
      headers: admin,
      payload: { role: "member" },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("user.cannot_change_owner");
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/users/${me.id}`, headers: admin })).statusCode).toBe(
      409,
    );
  });

  it("lists and searches users with pagination", async () => {
    for (const n of ["pa1", "pa2", "pa3"]) await t.createUser(owner, `${n}@page.example.com`);
    const page = await t.app.inject({ url: "/api/v1/users?q=page.example&limit=2&offset=0", headers: owner });
    expect(page.json().total).toBe(3);
    expect(page.json().items).toHaveLength(2);
    const bad = await t.app.inject({ url: "/api/v1/users?limit=100000", headers: owner });
    expect(bad.statusCode).toBe(400);
  });
});
