import type { Document } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { applyDocumentUpdate, type DocumentFilters, type DocumentPage, isInProgress } from "./document-list";

const TENANT = "00000000-0000-4000-8000-0000000000a1";

function doc(n: number, overrides: Partial<Document> = {}): Document {
  const minute = String(n).padStart(2, "0");
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    tenantId: TENANT,
    title: `Report ${n}`,
    filename: `report-${n}.pdf`,
    type: "pdf",
    size: 1000,
    sha256: `sha-${n}`,
    status: "ready",
    progress: 100,
    errorCode: null,
    errorMessage: null,
    language: "en",
    pageCount: 3,
    chunkCount: 7,
    tags: [],
    version: 1,
    hasActiveVersion: false,
    createdAt: `2025-01-01T10:${minute}:00.000Z`,
    updatedAt: `2025-01-01T10:${minute}:00.000Z`,
    ...overrides,
  };
}

/** Newest first, as the server lists them. */
const page = (...docs: Document[]): DocumentPage => ({ items: docs, total: docs.length });
const all: DocumentFilters = { limit: 25, offset: 0 };
const ids = (p: DocumentPage) => p.items.map((d) => d.title);

describe("applyDocumentUpdate (document.updated events)", () => {
  it("replaces the document in place with its new status and progress", () => {
    const list = page(doc(3), doc(2, { status: "processing", progress: 10 }), doc(1));
    const next = applyDocumentUpdate(
      list,
      doc(2, { status: "processing", progress: 60, updatedAt: "2025-01-01T11:00:00.000Z" }),
      all,
    );
    expect(ids(next)).toEqual(["Report 3", "Report 2", "Report 1"]);
    expect(next.items[1]?.progress).toBe(60);
    expect(next.total).toBe(3);
    expect(list.items[1]?.progress).toBe(10);
  });

  it("ignores an event older than what the list already shows (socket and polling overtaking)", () => {
    const list = page(doc(1, { status: "ready", updatedAt: "2025-01-01T12:00:00.000Z" }));
    const stale = doc(1, { status: "processing", progress: 40, updatedAt: "2025-01-01T11:00:00.000Z" });
    expect(applyDocumentUpdate(list, stale, all)).toBe(list);
  });

  it("puts a new upload on top of the first page and counts it", () => {
    const list = page(doc(2), doc(1));
    const next = applyDocumentUpdate(list, doc(3, { status: "queued", progress: 0 }), all);
    expect(ids(next)).toEqual(["Report 3", "Report 2", "Report 1"]);
    expect(next.total).toBe(3);
  });

  it("keeps the first page at its size when a new document pushes one off", () => {
    const next = applyDocumentUpdate(page(doc(2), doc(1)), doc(3), { limit: 2, offset: 0 });
    expect(ids(next)).toEqual(["Report 3", "Report 2"]);
    expect(next.total).toBe(3);
  });

  it("leaves later pages and documents older than the page alone (the list is read again instead)", () => {
    const later = page(doc(2), doc(1));
    expect(applyDocumentUpdate(later, doc(9), { limit: 2, offset: 2 })).toBe(later);
    const first = page(doc(5), doc(4));
    expect(applyDocumentUpdate(first, doc(1, { version: 2, status: "queued" }), all)).toBe(first);
  });

  it("drops a document that left the status filter, and adds one that entered it", () => {
    const processing: DocumentFilters = { ...all, status: "processing" };
    const list = page(doc(2, { status: "processing", progress: 90 }));
    const done = applyDocumentUpdate(
      list,
      doc(2, { status: "ready", updatedAt: "2025-01-01T11:00:00.000Z" }),
      processing,
    );
    expect(done).toEqual({ items: [], total: 0 });

    const failedOnly: DocumentFilters = { ...all, status: "failed" };
    const failed = doc(3, { status: "failed", errorCode: "document.encrypted" });
    expect(ids(applyDocumentUpdate(page(), failed, failedOnly))).toEqual(["Report 3"]);
    expect(applyDocumentUpdate(page(), doc(4, { status: "processing" }), failedOnly)).toEqual(page());
  });

  it("follows the title search the way the server does (case-insensitive substring)", () => {
    const q: DocumentFilters = { ...all, q: "annual" };
    expect(ids(applyDocumentUpdate(page(), doc(1, { title: "The ANNUAL report" }), q))).toEqual(["The ANNUAL report"]);
    expect(applyDocumentUpdate(page(), doc(2, { title: "Budget" }), q).items).toEqual([]);
  });
});

describe("isInProgress", () => {
  it("is true while queued or processing, the states the list polls for", () => {
    expect(["queued", "processing", "ready", "failed"].map((status) => isInProgress({ status } as Document))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
