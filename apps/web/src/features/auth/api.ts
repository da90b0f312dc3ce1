import type { Me, TokenResponse } from "@atrium/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api-client";
import { authStore, useHasSession } from "../../lib/auth-store";

/** Cache key of the signed-in person (/users/me). */
export const meQueryKey = ["me"] as const;

/** The signed-in person with their department memberships; only runs while a session exists. */
export function useMe() {
  const hasSession = useHasSession();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => api.get<Me>("/users/me", { signal }),
    enabled: hasSession,
  });
}

export interface Credentials {
  email: string;
  password: string;
}

/** Signs in with the OAuth2 password flow (form-encoded, username = email) and keeps the tokens. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ email, password }: Credentials) =>
      api.post<TokenResponse>(
        "/auth/token",
        new URLSearchParams({ grant_type: "password", username: email.trim(), password }),
        { auth: false },
      ),
    onSuccess: (tokens) => {
      // Another person may have been signed in in this browser: drop everything cached for them.
      queryClient.clear();
      authStore.setTokens(tokens);
    },
  });
}

/**
 * Revokes the session's refresh token on the server. The bearer token is read synchronously when
 * this is called, so the local session can be cleared right after without waiting for the answer.
 */
export function revokeSession(refreshToken: string): Promise<void> {
  return api.post<void>("/auth/logout", { refresh_token: refreshToken });
}
