import type { SetupRequestSchema, SetupStatusSchema, TokenResponse } from "@atrium/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";

export type SetupStatus = z.infer<typeof SetupStatusSchema>;
export type SetupRequest = z.input<typeof SetupRequestSchema>;

/** Cache key of the first-run status. */
export const setupStatusKey = ["setup-status"] as const;

/** Whether this instance still needs its owner account (first run). */
export function useSetupStatus() {
  return useQuery({
    queryKey: setupStatusKey,
    queryFn: ({ signal }) => api.get<SetupStatus>("/setup/status", { signal, auth: false }),
    staleTime: 60_000,
  });
}

/** Creates the owner account (once per instance) and signs them in. */
export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupRequest) => api.post<TokenResponse>("/setup", body, { auth: false }),
    onSuccess: (tokens) => {
      queryClient.clear();
      queryClient.setQueryData<SetupStatus>(setupStatusKey, { needsSetup: false });
      authStore.setTokens(tokens);
    },
  });
}
