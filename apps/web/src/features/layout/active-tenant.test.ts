import type { Membership } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { pickActiveMembership } from "./active-tenant";

const legal: Membership = {
  tenantId: "00000000-0000-4000-8000-000000000001",
  tenantName: "Legal",
  tenantSlug: "legal",
  role: "admin",
};
const sales: Membership = {
  tenantId: "00000000-0000-4000-8000-000000000002",
  tenantName: "Sales",
  tenantSlug: "sales",
  role: "member",
};

describe("pickActiveMembership", () => {
  it("keeps the department the person chose", () => {
    expect(pickActiveMembership([legal, sales], sales.tenantId)).toBe(sales);
  });

  it("falls back to the first membership when the chosen one is gone (removed, or another person signed in)", () => {
    expect(pickActiveMembership([legal, sales], "00000000-0000-4000-8000-0000000000ff")).toBe(legal);
    expect(pickActiveMembership([legal, sales], null)).toBe(legal);
  });

  it("has no active department for someone in none", () => {
    expect(pickActiveMembership([], legal.tenantId)).toBeUndefined();
  });
});
