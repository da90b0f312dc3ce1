import type { Document } from "@atrium/contracts";
import type { DocumentRow } from "./documents.repository";

/** The public shape of a document. */
export function presentDocument(row: DocumentRow, version: number): Document {
  return {
    id: row.id,
    tenantId: row.tenantId,
    title: row.title,
    filename: row.filename,
    type: row.type,
    size: row.size,
    sha256: row.sha256,
    status: row.status,
    progress: row.progress,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    language: row.language,
    pageCount: row.pageCount,
    chunkCount: row.chunkCount,
    tags: row.tags,
    version,
    hasActiveVersion: row.activeVersionId !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
