import type { Me } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { canManageTenant, isInstanceAdmin } from "./permissions";

const tenantA = "00000000-0000-4000-8000-00000000000a";
const tenantB = "00000000-0000-4000-8000-00000000000b";

function person(role: Me["role"], memberships: Me["memberships"] = []): Pick<Me, "role" | "memberships"> {
  return { role, memberships };
}

describe("permissions", () => {
  it("treats owners and admins as instance admins, members not", () => {
    expect(isInstanceAdmin(person("owner"))).toBe(true);
    expect(isInstanceAdmin(person("admin"))).toBe(true);
    expect(isInstanceAdmin(person("member"))).toBe(false);
  });

  it("lets a tenant admin manage their own tenant only", () => {
    const me = person("member", [
      { tenantId: tenantA, tenantName: "Legal", tenantSlug: "legal", role: "admin" },
      { tenantId: tenantB, tenantName: "Sales", tenantSlug: "sales", role: "member" },
    ]);
    expect(canManageTenant(me, tenantA)).toBe(true);
    expect(canManageTenant(me, tenantB)).toBe(false);
  });

  it("lets instance admins manage tenants they are not in", () => {
    expect(canManageTenant(person("admin"), tenantA)).toBe(true);
  });
});
