import type { TokenResponse } from "@atrium/contracts";
import { useSyncExternalStore } from "react";
import { createStoredValue } from "./stored-value";

/** Where the api client reads and writes the session's tokens. */
export interface TokenStore {
  getAccessToken(): string | null;
  getRefreshToken(): string | null;
  setTokens(tokens: Pick<TokenResponse, "access_token" | "refresh_token">): void;
  clear(): void;
}

const accessToken = createStoredValue("atrium.access_token");
const refreshToken = createStoredValue("atrium.refresh_token");

let sessionEndReason: string | null = null;

/** Session end reason for a deliberate sign-out (nothing to explain, nowhere to return to). */
export const SIGNED_OUT = "signed_out";

/**
 * The signed-in session's tokens, kept in localStorage so a reload keeps the person signed in.
 * The refresh token rotates: every refresh answer replaces both tokens.
 */
export const authStore: TokenStore & {
  hasSession(): boolean;
  subscribe(listener: () => void): () => void;
  /**
   * Remembers why the session ended so the login page can say it: an error code, or SIGNED_OUT
   * when the person chose to leave.
   */
  noteSessionEnded(code: string): void;
  /** Why the last session ended, until someone signs in again. */
  sessionEndReason(): string | null;
} = {
  getAccessToken: () => accessToken.get(),
  getRefreshToken: () => refreshToken.get(),
  setTokens(tokens) {
    sessionEndReason = null;
    accessToken.set(tokens.access_token);
    refreshToken.set(tokens.refresh_token);
  },
  clear() {
    accessToken.set(null);
    refreshToken.set(null);
  },
  hasSession: () => refreshToken.get() !== null || accessToken.get() !== null,
  noteSessionEnded(code) {
    sessionEndReason = code;
  },
  sessionEndReason: () => sessionEndReason,
  subscribe(listener) {
    const offAccess = accessToken.subscribe(listener);
    const offRefresh = refreshToken.subscribe(listener);
    return () => {
      offAccess();
      offRefresh();
    };
  },
};

/** Whether someone is signed in in this browser; re-renders when they sign in or out. */
export function useHasSession(): boolean {
  return useSyncExternalStore(authStore.subscribe, authStore.hasSession, () => false);
}
