import { describe, expect, it } from "vitest";
import type { DB } from "../../infra/db/database";
import { createTenantAccess } from "./tenant-access";

// A plain fake of the two repository methods the check uses.
const tx = {} as DB;
const repo = {
  findById: async (id: string) =>
    id === "t1" || id === "t2" ? { id, name: id, slug: id, createdAt: new Date(), memberCount: 1 } : undefined,
  findMembership: async (tenantId: string, userId: string) =>
    tenantId === "t1" && (userId === "member" || userId === "admin")
      ? { tenantId, userId, role: userId === "admin" ? ("admin" as const) : ("member" as const), createdAt: new Date() }
      : undefined,
};
const check = createTenantAccess(repo);

describe("tenant access", () => {
  it("lets members in with their role and hides other tenants as not found", async () => {
    expect(await check({ userId: "member", role: "member" }, "t1", "member", tx)).toBe("member");
    await expect(check({ userId: "member", role: "member" }, "t2", "member", tx)).rejects.toMatchObject({
      status: 404,
    });
  });
  it("refuses admin work to members with 403", async () => {
    await expect(check({ userId: "member", role: "member" }, "t1", "admin", tx)).rejects.toMatchObject({
      status: 403,
      code: "auth.forbidden",
    });
    expect(await check({ userId: "admin", role: "member" }, "t1", "admin", tx)).toBe("admin");
  });
  it("gives instance admins every existing tenant, but not through an API key bound elsewhere", async () => {
    expect(await check({ userId: "boss", role: "owner" }, "t2", "admin", tx)).toBe("admin");
    await expect(check({ userId: "boss", role: "owner" }, "nope", "admin", tx)).rejects.toMatchObject({ status: 404 });
    await expect(
      check({ userId: "boss", role: "owner", apiKeyTenantId: "t1" }, "t2", "member", tx),
    ).rejects.toMatchObject({ status: 404 });
  });
});
