import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useNavigate } from "react-router";
import { authStore, SIGNED_OUT } from "../../lib/auth-store";
import { revokeSession } from "./api";

/**
 * Signs out at once: forgets the tokens and everything cached, opens the login page, and asks the
 * server to revoke the refresh token in the background (signing out works offline too).
 */
export function useSignOut(): () => void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(() => {
    const refreshToken = authStore.getRefreshToken();
    const revoked = refreshToken ? revokeSession(refreshToken) : Promise.resolve();
    revoked.catch(() => {
      // Nothing to tell the person: their browser no longer holds the token either way.
    });
    authStore.noteSessionEnded(SIGNED_OUT);
    authStore.clear();
    queryClient.clear();
    navigate("/login", { replace: true });
  }, [queryClient, navigate]);
}
