import type { Me } from "@atrium/contracts";

/** Instance owners and admins manage users and every department. */
export function isInstanceAdmin(me: Pick<Me, "role">): boolean {
  return me.role === "owner" || me.role === "admin";
}

/** Who may open a department's settings and members: instance admins and that department's admins. */
export function canManageTenant(me: Pick<Me, "role" | "memberships">, tenantId: string): boolean {
  return (
    isInstanceAdmin(me) ||
    me.memberships.some((membership) => membership.tenantId === tenantId && membership.role === "admin")
  );
}
