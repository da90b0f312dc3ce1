import type { CreateProviderSchema, Provider, ProviderTestResultSchema, UpdateProviderSchema } from "@atrium/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";

export type CreateProviderRequest = z.input<typeof CreateProviderSchema>;
export type UpdateProviderRequest = z.input<typeof UpdateProviderSchema>;
export type ProviderTestResult = z.infer<typeof ProviderTestResultSchema>;

/** Cache keys of model providers. */
export const providerKeys = {
  all: ["providers"] as const,
  list: () => [...providerKeys.all, "list"] as const,
};

const path = (id: string) => `/admin/providers/${encodeURIComponent(id)}`;

/** Configured model providers, the read-only one from the server's environment first (instance admins). */
export function useProviders(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: providerKeys.list(),
    queryFn: ({ signal }) => api.get<Provider[]>("/admin/providers", { signal }),
    enabled: options.enabled ?? true,
  });
}

/** Adds a provider. */
export function useCreateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProviderRequest) => api.post<Provider>("/admin/providers", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

/** Changes a provider; an absent apiKey keeps the stored key, "" removes it. */
export function useUpdateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateProviderRequest & { id: string }) => api.patch<Provider>(path(id), body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

/** Removes a provider. */
export function useDeleteProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(path(id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: providerKeys.all }),
  });
}

/** Asks a provider whether it answers, and which models it offers. */
export function useTestProvider() {
  return useMutation({
    mutationFn: (id: string) => api.post<ProviderTestResult>(`${path(id)}/test`),
  });
}
