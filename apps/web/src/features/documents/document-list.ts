import type { Document, DocumentStatusSchema } from "@atrium/contracts";
import type { z } from "zod";

export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

/** What a documents page asks the server for: a title search, a status, and a page. */
export interface DocumentFilters {
  q?: string;
  status?: DocumentStatus;
  limit: number;
  offset: number;
}

export interface DocumentPage {
  items: Document[];
  total: number;
}

/** Queued or processing: still on its way to being searchable. */
export function isInProgress(document: Pick<Document, "status">): boolean {
  return document.status === "queued" || document.status === "processing";
}

/** Whether the server would list the document under these filters (title search is case-insensitive). */
export function matchesFilters(document: Document, filters: DocumentFilters): boolean {
  if (filters.status && document.status !== filters.status) return false;
  const q = filters.q?.trim().toLowerCase();
  return !q || document.title.toLowerCase().includes(q);
}

/**
 * A page of documents after a document.updated event (or a mutation's answer), as the server would
 * now answer it: the document replaced in place, dropped when it left the status filter, or added
 * on top of the first page when it is new (lists are newest first). Answers the same object when
 * nothing changes, so unchanged caches don't re-render.
 */
export function applyDocumentUpdate(page: DocumentPage, document: Document, filters: DocumentFilters): DocumentPage {
  const index = page.items.findIndex((item) => item.id === document.id);
  const matches = matchesFilters(document, filters);
  if (index >= 0) {
    const current = page.items[index] as Document;
    // Events may overtake each other (the socket and the polling): an older state never wins.
    if (current.updatedAt > document.updatedAt) return page;
    if (!matches) {
      return { items: page.items.filter((item) => item.id !== document.id), total: Math.max(0, page.total - 1) };
    }
    const items = page.items.slice();
    items[index] = document;
    return { ...page, items };
  }
  if (!matches || filters.offset > 0) return page;
  const newest = page.items[0];
  if (newest && newest.createdAt > document.createdAt) return page;
  return { items: [document, ...page.items].slice(0, filters.limit), total: page.total + 1 };
}
