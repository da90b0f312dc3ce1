import {
  type Document,
  type DocumentListSchema,
  ErrorBodySchema,
  type JobsOverviewSchema,
  type ReindexResultSchema,
  type SearchModeSchema,
  type SearchResultSchema,
  type UpdateDocumentSchema,
} from "@atrium/contracts";
import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { ApiError, api } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { applyDocumentUpdate, type DocumentFilters, isInProgress, matchesFilters } from "./document-list";

export type DocumentList = z.infer<typeof DocumentListSchema>;
export type SearchResult = z.infer<typeof SearchResultSchema>;
export type SearchMode = z.infer<typeof SearchModeSchema>;
export type JobsOverview = z.infer<typeof JobsOverviewSchema>;
export type ReindexResult = z.infer<typeof ReindexResultSchema>;
export type UpdateDocumentRequest = z.input<typeof UpdateDocumentSchema>;

/** How often the list is re-read while something is processing (workers may run in other processes). */
const PROCESSING_POLL_MS = 3000;

/** Cache keys of documents: lists per tenant and filters, search results, the jobs overview. */
export const documentKeys = {
  all: ["documents"] as const,
  lists: (tenantId: string) => [...documentKeys.all, "list", tenantId] as const,
  list: (tenantId: string, filters: DocumentFilters) => [...documentKeys.lists(tenantId), filters] as const,
  search: (tenantId: string, q: string, mode: SearchMode) =>
    [...documentKeys.all, "search", tenantId, q, mode] as const,
  jobs: () => [...documentKeys.all, "jobs"] as const,
};

const path = (id: string) => `/documents/${encodeURIComponent(id)}`;

/**
 * Writes a changed document into every cached list of its tenant, as the server would now answer
 * them. Answers true when some list it belongs in couldn't place it (another page, an older
 * document new to this browser): those lists have to be read again.
 */
export function storeDocument(queryClient: QueryClient, document: Document): boolean {
  let needsRefetch = false;
  for (const [key, data] of queryClient.getQueriesData<DocumentList>({
    queryKey: documentKeys.lists(document.tenantId),
  })) {
    const filters = key[3] as DocumentFilters | undefined;
    if (!data || !filters) continue;
    const next = applyDocumentUpdate(data, document, filters);
    if (next !== data) queryClient.setQueryData(key, next);
    else if (matchesFilters(document, filters) && !data.items.some((item) => item.id === document.id)) {
      needsRefetch = true;
    }
  }
  return needsRefetch;
}

/**
 * One page of a tenant's documents, newest first. While any of them is queued or processing it is
 * read again every 3 s: live events come only from workers in this server's process.
 */
export function useDocuments(tenantId: string, filters: DocumentFilters) {
  return useQuery({
    queryKey: documentKeys.list(tenantId, filters),
    queryFn: ({ signal }) =>
      api.get<DocumentList>("/documents", {
        signal,
        query: {
          tenantId,
          q: filters.q,
          status: filters.status,
          limit: filters.limit,
          offset: filters.offset,
        },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(isInProgress) ? PROCESSING_POLL_MS : false),
  });
}

/** Renames or re-tags a document (tenant admins). */
export function useUpdateDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateDocumentRequest & { id: string }) => api.patch<Document>(path(id), body),
    onSuccess: (document) => {
      storeDocument(queryClient, document);
      void queryClient.invalidateQueries({ queryKey: documentKeys.lists(document.tenantId) });
    },
  });
}

/** Deletes a document with its passages and files (tenant admins). */
export function useDeleteDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (document: Document) => api.delete(path(document.id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: documentKeys.all }),
  });
}

/** Queues a failed document again (the dead-letter's retry). */
export function useRetryDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Document>(`${path(id)}/retry`),
    onSuccess: (document) => {
      storeDocument(queryClient, document);
      void queryClient.invalidateQueries({ queryKey: documentKeys.lists(document.tenantId) });
      void queryClient.invalidateQueries({ queryKey: documentKeys.jobs() });
    },
  });
}

/** Ranked passages for a question, from a tenant's ready documents. */
export function useDocumentSearch(tenantId: string, q: string, mode: SearchMode = "hybrid") {
  return useQuery({
    queryKey: documentKeys.search(tenantId, q, mode),
    queryFn: ({ signal }) => api.get<SearchResult>("/search", { signal, query: { tenantId, q, mode, k: 10 } }),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
}

/** Queue counts, documents per tenant and status, and recent failures (instance admins); kept fresh. */
export function useJobsOverview() {
  return useQuery({
    queryKey: documentKeys.jobs(),
    queryFn: ({ signal }) => api.get<JobsOverview>("/admin/jobs", { signal }),
    refetchInterval: 5000,
  });
}

/**
 * Queues the re-indexing of a tenant's documents, or of every tenant's without tenantId (instance
 * admins): their search data computed again as new uploads get it. The jobs page shows the queue.
 */
export function useReindexDocuments() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tenantId?: string) => api.post<ReindexResult>("/documents/reindex", tenantId ? { tenantId } : {}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: documentKeys.jobs() }),
  });
}

/**
 * The original file of a document, read with the session's token (a plain link can't carry it).
 * Goes through the api client's refresh when the token has just expired.
 */
export async function fetchDocumentFile(id: string): Promise<{ blob: Blob; filename: string }> {
  const url = `/api/v1${path(id)}/file`;
  const get = (token: string | null) =>
    fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(() => {
      throw new ApiError({ status: 0, code: "network", message: "Could not reach the server." });
    });
  const token = authStore.getAccessToken();
  let response = await get(token);
  // An expired token is renewed the way the api client does it (shared with its other calls).
  if (response.status === 401 && (await api.refresh(token)) === null) response = await get(authStore.getAccessToken());
  if (!response.ok) {
    const body = ErrorBodySchema.safeParse(await response.json().catch(() => undefined));
    if (body.success) throw new ApiError({ status: response.status, ...body.data.error });
    throw new ApiError({
      status: response.status,
      code: response.status === 404 ? "document.not_found" : "internal",
      message: response.statusText,
    });
  }
  return { blob: await response.blob(), filename: filenameOf(response.headers.get("content-disposition")) };
}

/** How long an opened file's address stays valid: long enough for the new tab to load it. */
const OBJECT_URL_LIFETIME_MS = 5 * 60_000;

/** Types a browser tab shows itself; the rest (DOCX) are downloaded. */
const VIEWABLE_TYPES = new Set(["pdf", "text", "markdown", "csv", "html"]);

/**
 * What a tab is given to show. Text of any kind is shown as plain text: an uploaded HTML page
 * opened from this origin could otherwise run its scripts with the person's session.
 */
function viewableBlob(blob: Blob): Blob | null {
  if (blob.type === "application/pdf") return blob;
  if (blob.type.startsWith("text/")) return new Blob([blob], { type: "text/plain;charset=utf-8" });
  return null;
}

/** The file name the server gave (Content-Disposition), for downloads. */
function filenameOf(disposition: string | null): string {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      return encoded;
    }
  }
  return disposition?.match(/filename="?([^";]+)"?/i)?.[1] ?? "document";
}

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  window.document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
}

/**
 * Opens a document's original file: PDFs and text in a new tab (PDFs at `page`), other files
 * (DOCX) as a download. When the type is known to open in a tab, the tab is opened at once,
 * inside the click, so a pop-up blocker lets it through; it is shown the file when it arrives.
 */
export async function openDocumentFile(
  id: string,
  options: { page?: number | null; type?: Document["type"] } = {},
): Promise<void> {
  const { page, type } = options;
  const isViewable = type ? VIEWABLE_TYPES.has(type) : typeof page === "number";
  const tab = isViewable ? window.open("", "_blank") : null;
  try {
    const { blob, filename } = await fetchDocumentFile(id);
    const viewable = viewableBlob(blob);
    if (!viewable) {
      tab?.close();
      download(blob, filename);
      return;
    }
    const url = URL.createObjectURL(viewable);
    window.setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
    const target = typeof page === "number" && viewable.type === "application/pdf" ? `${url}#page=${page}` : url;
    if (tab) tab.location.href = target;
    else if (!window.open(target, "_blank")) download(blob, filename);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
