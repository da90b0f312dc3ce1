import type { Me } from "@atrium/contracts";
import { useMe } from "./api";

/**
 * The signed-in person, for components rendered under the RequireAuth guard (which waits for
 * /users/me before rendering them).
 */
export function useCurrentUser(): Me {
  const { data } = useMe();
  if (!data) throw new Error("useCurrentUser must be used under RequireAuth");
  return data;
}
