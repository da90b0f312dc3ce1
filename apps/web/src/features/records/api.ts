import type { RequestRecordSchema, UsageSummarySchema } from "@atrium/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";

export type RequestRecord = z.infer<typeof RequestRecordSchema>;
export type UsageSummary = z.infer<typeof UsageSummarySchema>;
export interface RecordPage {
  items: RequestRecord[];
  total: number;
}

/** Filters of the records page; no tenantId means every department (instance admins only). */
export interface RecordFilters {
  tenantId?: string;
  status?: string;
  assistantId?: string;
}

/** Cache keys of request records and usage totals. */
export const recordKeys = {
  all: ["records"] as const,
  list: (filters: RecordFilters, page: { limit: number; offset: number }) =>
    [...recordKeys.all, "list", filters, page] as const,
  summary: (filters: RecordFilters) => [...recordKeys.all, "summary", filters] as const,
};

/** One page of request records, newest first; keeps the previous page while the next loads. */
export function useRecords(filters: RecordFilters, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: recordKeys.list(filters, page),
    queryFn: ({ signal }) => api.get<RecordPage>("/records", { signal, query: { ...filters, ...page } }),
    placeholderData: keepPreviousData,
  });
}

/** Requests, tokens and cost in total, per person and per department, for the same filters. */
export function useUsageSummary(filters: RecordFilters) {
  return useQuery({
    queryKey: recordKeys.summary(filters),
    queryFn: ({ signal }) => api.get<UsageSummary>("/records/summary", { signal, query: { ...filters } }),
    placeholderData: keepPreviousData,
  });
}
