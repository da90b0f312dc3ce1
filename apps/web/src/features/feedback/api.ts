import type { FeedbackItemSchema } from "@atrium/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";

export type FeedbackItem = z.infer<typeof FeedbackItemSchema>;

/** Cache keys of a department's feedback. */
export const feedbackKeys = {
  all: ["feedback"] as const,
  list: (tenantId: string, page: { limit: number; offset: number }) => [...feedbackKeys.all, tenantId, page] as const,
};

/** Rated and reviewed answers of a department, newest first (its admins). */
export function useFeedback(tenantId: string, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: feedbackKeys.list(tenantId, page),
    queryFn: ({ signal }) => api.get<FeedbackItem[]>("/feedback", { signal, query: { tenantId, ...page } }),
    placeholderData: keepPreviousData,
  });
}
