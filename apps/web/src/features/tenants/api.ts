import type {
  AddMemberSchema,
  CreateTenantSchema,
  Member,
  Tenant,
  UpdateMemberSchema,
  UpdateTenantSchema,
} from "@atrium/contracts";
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";
import { meQueryKey } from "../auth/api";

export type CreateTenantRequest = z.input<typeof CreateTenantSchema>;
export type UpdateTenantRequest = z.input<typeof UpdateTenantSchema>;
export type AddMemberRequest = z.input<typeof AddMemberSchema>;
export type UpdateMemberRequest = z.input<typeof UpdateMemberSchema>;

/** Cache keys of departments; members sit under their department's key so both refresh together. */
export const tenantKeys = {
  all: ["tenants"] as const,
  list: () => [...tenantKeys.all, "list"] as const,
  detail: (id: string) => [...tenantKeys.all, "detail", id] as const,
  members: (id: string) => [...tenantKeys.all, "detail", id, "members"] as const,
};

const path = (id: string) => `/tenants/${encodeURIComponent(id)}`;

/**
 * Department names and memberships appear in the person's own profile (the switcher), so every
 * change refreshes both the department queries and /users/me.
 */
function refreshTenantData(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: tenantKeys.all }),
    queryClient.invalidateQueries({ queryKey: meQueryKey }),
  ]);
}

/** Departments the person may see: all of them for instance admins, their own for others. */
export function useTenants() {
  return useQuery({
    queryKey: tenantKeys.list(),
    queryFn: ({ signal }) => api.get<Tenant[]>("/tenants", { signal }),
  });
}

/** One department (404 for people outside it, so ids can't be probed). */
export function useTenant(id: string) {
  return useQuery({
    queryKey: tenantKeys.detail(id),
    queryFn: ({ signal }) => api.get<Tenant>(path(id), { signal }),
  });
}

/** Creates a department (instance admins); its creator becomes its first admin. */
export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTenantRequest) => api.post<Tenant>("/tenants", body),
    onSuccess: () => refreshTenantData(queryClient),
  });
}

/** Renames a department (its admins and instance admins); the slug stays. */
export function useRenameTenant(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateTenantRequest) => api.patch<Tenant>(path(id), body),
    onSuccess: () => refreshTenantData(queryClient),
  });
}

/** Deletes a department and everything it owns (instance admins). */
export function useDeleteTenant(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete(path(id)),
    onSuccess: () => {
      // Drop the deleted department's queries rather than refetching them into 404s.
      queryClient.removeQueries({ queryKey: tenantKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: tenantKeys.list() });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

/** The department's members (its admins and instance admins). */
export function useMembers(tenantId: string) {
  return useQuery({
    queryKey: tenantKeys.members(tenantId),
    queryFn: ({ signal }) => api.get<Member[]>(`${path(tenantId)}/members`, { signal }),
  });
}

/** Adds someone by email; with name and password, creates their account first (instance admins). */
export function useAddMember(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AddMemberRequest) => api.post<Member>(`${path(tenantId)}/members`, body),
    onSuccess: () => refreshTenantData(queryClient),
  });
}

/** Makes a member admin or member; the last admin can't be demoted (member.last_admin). */
export function useChangeMemberRole(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: UpdateMemberRequest & { userId: string }) =>
      api.patch<Member>(`${path(tenantId)}/members/${encodeURIComponent(userId)}`, { role }),
    onSuccess: () => refreshTenantData(queryClient),
  });
}

/** Removes someone from the department; their account stays. */
export function useRemoveMember(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete(`${path(tenantId)}/members/${encodeURIComponent(userId)}`),
    onSuccess: () => refreshTenantData(queryClient),
  });
}
