import type { CreateUserSchema, UpdateUserSchema, User, UserListSchema } from "@atrium/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";
import { meQueryKey } from "../auth/api";

export type UserList = z.infer<typeof UserListSchema>;
export type CreateUserRequest = z.input<typeof CreateUserSchema>;
export type UpdateUserRequest = z.input<typeof UpdateUserSchema>;

export interface UserListParams {
  q: string;
  limit: number;
  offset: number;
}

/** Cache keys of the users lists (one per search, page size and offset). */
export const userKeys = {
  all: ["users"] as const,
  list: (params: UserListParams) => [...userKeys.all, "list", params] as const,
};

/** One page of the instance's users, optionally filtered by name or email. Keeps the previous page while the next loads. */
export function useUsers(params: UserListParams) {
  return useQuery({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) =>
      api.get<UserList>("/users", { signal, query: { q: params.q, limit: params.limit, offset: params.offset } }),
    placeholderData: keepPreviousData,
  });
}

/** Creates an account (instance admins). */
export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api.post<User>("/users", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

/** Changes an account's name, role, active flag or password (instance admins). */
export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateUserRequest & { id: string }) =>
      api.patch<User>(`/users/${encodeURIComponent(id)}`, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: userKeys.all }),
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
      ]),
  });
}

/** Deletes an account for good (instance admins). */
export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/users/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
