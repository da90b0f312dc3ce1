import type { ApiKey, CreateApiKeySchema, CreatedApiKeySchema, Me, UpdateMeSchema } from "@atrium/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";
import { meQueryKey } from "../auth/api";

export type UpdateMeRequest = z.input<typeof UpdateMeSchema>;
export type CreateApiKeyRequest = z.input<typeof CreateApiKeySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

/** Cache keys of the API keys list. */
export const apiKeyKeys = {
  all: ["api-keys"] as const,
};

/** Changes the signed-in person's name, language or password. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeRequest) => api.patch<Me>("/users/me", body),
    onSuccess: (me) => {
      if (me && typeof me === "object" && "memberships" in me) queryClient.setQueryData(meQueryKey, me);
      return queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

/** The signed-in person's API keys (secrets are never listed, only their prefix). */
export function useApiKeys() {
  return useQuery({
    queryKey: apiKeyKeys.all,
    queryFn: ({ signal }) => api.get<ApiKey[]>("/api-keys", { signal }),
  });
}

/** Creates a key; the answer holds the whole secret, shown to the person exactly once. */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyRequest) => api.post<CreatedApiKey>("/api-keys", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

/** Revokes a key: programs using it stop working at once. */
export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api-keys/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
