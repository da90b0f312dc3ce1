import type {
  Assistant,
  CreateAssistantSchema,
  CreatePromptVersionSchema,
  Prompt,
  PromptStage,
  SetTenantAssistantSchema,
  TenantAssistantSchema,
  UpdateAssistantSchema,
} from "@atrium/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";

export type CreateAssistantRequest = z.input<typeof CreateAssistantSchema>;
export type UpdateAssistantRequest = z.input<typeof UpdateAssistantSchema>;
export type TenantAssistant = z.infer<typeof TenantAssistantSchema>;
export type SetTenantAssistantRequest = z.input<typeof SetTenantAssistantSchema>;
export type CreatePromptRequest = z.input<typeof CreatePromptVersionSchema>;

/**
 * Cache keys of assistants. Everything sits under "assistants", so any change also refreshes the
 * assistants people can pick in the chat (["assistants", "available", tenantId]).
 */
export const assistantKeys = {
  all: ["assistants"] as const,
  adminList: () => [...assistantKeys.all, "admin"] as const,
  adminDetail: (id: string) => [...assistantKeys.all, "admin", id] as const,
  tenant: (tenantId: string) => [...assistantKeys.all, "tenant", tenantId] as const,
  prompts: (assistantId: string, tenantId: string | undefined) =>
    [...assistantKeys.all, "prompts", assistantId, tenantId ?? "instance"] as const,
};

const adminPath = (id: string) => `/admin/assistants/${encodeURIComponent(id)}`;

/** Every assistant definition (instance admins). */
export function useAdminAssistants() {
  return useQuery({
    queryKey: assistantKeys.adminList(),
    queryFn: ({ signal }) => api.get<Assistant[]>("/admin/assistants", { signal }),
  });
}

/** One assistant definition (instance admins). */
export function useAdminAssistant(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: assistantKeys.adminDetail(id),
    queryFn: ({ signal }) => api.get<Assistant>(adminPath(id), { signal }),
    enabled: options.enabled ?? true,
  });
}

/** Defines an assistant; a default one is enabled in every department at once. */
export function useCreateAssistant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAssistantRequest) => api.post<Assistant>("/admin/assistants", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.all }),
  });
}

/** Changes an assistant's name, description, model settings or default flag. */
export function useUpdateAssistant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateAssistantRequest & { id: string }) => api.patch<Assistant>(adminPath(id), body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.all }),
  });
}

/** Deletes an assistant together with its chats. */
export function useDeleteAssistant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(adminPath(id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.all }),
  });
}

/** Every assistant with whether it is enabled in a department (its admins). */
export function useTenantAssistants(tenantId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: assistantKeys.tenant(tenantId),
    queryFn: ({ signal }) =>
      api.get<TenantAssistant[]>(`/tenants/${encodeURIComponent(tenantId)}/assistants`, { signal }),
    enabled: options.enabled ?? true,
  });
}

/** Enables or disables an assistant in a department, or overrides its pipeline there. */
export function useSetTenantAssistant(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ assistantId, ...body }: SetTenantAssistantRequest & { assistantId: string }) =>
      api.put<TenantAssistant>(
        `/tenants/${encodeURIComponent(tenantId)}/assistants/${encodeURIComponent(assistantId)}`,
        body,
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assistantKeys.all }),
  });
}

/**
 * Prompt versions of an assistant, newest first within each stage: the instance's, or with
 * `tenantId` that department's overrides.
 */
export function usePrompts(assistantId: string, tenantId: string | undefined) {
  return useQuery({
    queryKey: assistantKeys.prompts(assistantId, tenantId),
    queryFn: ({ signal }) =>
      api.get<Prompt[]>(`/assistants/${encodeURIComponent(assistantId)}/prompts`, { signal, query: { tenantId } }),
  });
}

/** Saves a new prompt version (active at once unless `activate` is false). */
export function useCreatePromptVersion(assistantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePromptRequest) =>
      api.post<Prompt>(`/assistants/${encodeURIComponent(assistantId)}/prompts`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...assistantKeys.all, "prompts", assistantId] }),
  });
}

/** Makes an older version the active one of its stage again. */
export function useActivatePrompt(assistantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (promptId: string) => api.post<Prompt>(`/prompts/${encodeURIComponent(promptId)}/activate`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...assistantKeys.all, "prompts", assistantId] }),
  });
}

/** The stages of an assistant's pipeline that have prompts, in the order they run. */
export const PROMPT_STAGES: readonly PromptStage[] = ["system", "condense", "answer"];
