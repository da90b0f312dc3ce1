import type { Membership } from "@atrium/contracts";
import { useSyncExternalStore } from "react";
import { createStoredValue } from "../../lib/stored-value";
import { useCurrentUser } from "../auth/use-current-user";

const storedTenantId = createStoredValue("atrium.active_tenant");

/** Makes a department the one the person works in (remembered in this browser). */
export function setActiveTenantId(tenantId: string): void {
  storedTenantId.set(tenantId);
}

/**
 * The department the person is working in: the one they last chose if they still belong to it,
 * otherwise their first membership; undefined when they belong to none.
 */
export function pickActiveMembership(
  memberships: readonly Membership[],
  storedId: string | null,
): Membership | undefined {
  return memberships.find((membership) => membership.tenantId === storedId) ?? memberships[0];
}

/** The active department of the signed-in person, re-rendering when it changes. */
export function useActiveTenant(): { active: Membership | undefined; memberships: Membership[] } {
  const me = useCurrentUser();
  const storedId = useSyncExternalStore(storedTenantId.subscribe, storedTenantId.get, () => null);
  return { active: pickActiveMembership(me.memberships, storedId), memberships: me.memberships };
}
