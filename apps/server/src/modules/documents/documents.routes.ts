import {
  DocumentListQuerySchema,
  DocumentListSchema,
  DocumentSchema,
  ErrorBodySchema,
  IdParamsSchema,
  JobsOverviewSchema,
  ReindexRequestSchema,
  ReindexResultSchema,
  SearchQuerySchema,
  SearchResultSchema,
  UpdateDocumentSchema,
} from "@atrium/contracts";
import "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, badRequest } from "../../lib/errors";
import { actorOf } from "../../plugins/auth";
import type { DocumentsService } from "./documents.service";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  413: ErrorBodySchema,
  415: ErrorBodySchema,
};
const tags = ["documents"];
const MIME: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  html: "text/html; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
  text: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

/**
 * Reads a multipart upload: text fields first (tenantId, password, tags), then ONE file part whose
 * stream goes straight to storage (never buffered whole).
 */
async function handleUpload(
  request: FastifyRequest,
  upload: (
    fields: Record<string, string>,
    file: { filename: string; stream: NodeJS.ReadableStream },
  ) => Promise<unknown>,
) {
  if (!request.isMultipart()) {
    throw new AppError(
      415,
      "document.upload_invalid",
      "Send the file as multipart/form-data with a tenantId field before the file.",
    );
  }
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === "field") {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    return upload(fields, { filename: part.filename || "upload", stream: part.file });
  }
  throw badRequest("document.upload_invalid", "No file in the upload: add a file part after the tenantId field.");
}

/** Document upload, status, versions, delete, retry, search, and the jobs overview. */
export function documentsRoutes(
  documents: DocumentsService,
  storageGet: (key: string) => Promise<NodeJS.ReadableStream>,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.post(
      "/documents",
      {
        schema: {
          tags,
          summary: "Upload a document (multipart: tenantId, optional password and tags fields, then the file)",
          consumes: ["multipart/form-data"],
          response: { 202: DocumentSchema, ...errors },
        },
      },
      async (request, reply) => {
        const doc = await handleUpload(request, (fields, file) => {
          const tenantId = z.uuid().safeParse(fields.tenantId);
          if (!tenantId.success)
            throw badRequest("document.upload_invalid", "tenantId: send the tenant's id as a field before the file.");
          return documents.upload(actorOf(request), {
            tenantId: tenantId.data,
            filename: file.filename,
            stream: file.stream as never,
            password: fields.password || undefined,
            tags: fields.tags
              ? fields.tags
                  .split(",")
                  .map((t) => t.trim())
                  .filter(Boolean)
                  .slice(0, 20)
              : undefined,
          });
        });
        return reply.status(202).send(doc as never);
      },
    );

    app.post(
      "/documents/:id/versions",
      {
        schema: {
          tags,
          summary: "Upload a changed file as a new version (the old one answers until the new one is ready)",
          consumes: ["multipart/form-data"],
          params: IdParamsSchema,
          response: { 202: DocumentSchema, ...errors },
        },
      },
      async (request, reply) => {
        const current = await documents.get(actorOf(request), request.params.id);
        const doc = await handleUpload(request, (fields, file) =>
          documents.upload(actorOf(request), {
            tenantId: current.tenantId,
            documentId: current.id,
            filename: file.filename,
            stream: file.stream as never,
            password: fields.password || undefined,
          }),
        );
        return reply.status(202).send(doc as never);
      },
    );

    app.get(
      "/documents",
      {
        schema: {
          tags,
          summary: "Documents of a tenant",
          querystring: DocumentListQuerySchema,
          response: { 200: DocumentListSchema, ...errors },
        },
      },
      async (request) => documents.list(actorOf(request), request.query),
    );
    app.get(
      "/documents/:id",
      {
        schema: {
          tags,
          summary: "A document with its status and progress",
          params: IdParamsSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (request) => documents.get(actorOf(request), request.params.id),
    );
    app.get(
      "/documents/:id/file",
      { schema: { tags, summary: "Download the original file (latest version)", params: IdParamsSchema } },
      async (request, reply) => {
        const doc = await documents.fileOf(actorOf(request), request.params.id);
        reply.header("content-type", MIME[doc.type] ?? "application/octet-stream");
        reply.header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
        return reply.send(await storageGet(doc.storageKey));
      },
    );
    app.patch(
      "/documents/:id",
      {
        schema: {
          tags,
          summary: "Rename or tag a document",
          params: IdParamsSchema,
          body: UpdateDocumentSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (request) => documents.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      "/documents/:id",
      {
        schema: {
          tags,
          summary: "Delete a document, its chunks, vectors and files",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await documents.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      "/documents/:id/retry",
      {
        schema: {
          tags,
          summary: "Queue a failed document again",
          params: IdParamsSchema,
          response: { 200: DocumentSchema, ...errors },
        },
      },
      async (request) => documents.retry(actorOf(request), request.params.id),
    );
    app.post(
      "/documents/reindex",
      {
        schema: {
          tags,
          summary:
            "Re-compute the stored search data (keyword index and statistics) of a tenant's documents, or of every tenant's (instance admins, no tenantId), in background jobs",
          body: ReindexRequestSchema,
          response: { 202: ReindexResultSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await documents.reindex(actorOf(request), request.body ?? {})),
    );
    app.get(
      "/search",
      {
        schema: {
          tags,
          summary: "Ranked passages from a tenant's documents (hybrid: vectors + full text, fused by rank)",
          querystring: SearchQuerySchema,
          response: { 200: SearchResultSchema, ...errors },
        },
      },
      async (request) => documents.search(actorOf(request), request.query),
    );
    app.get(
      "/admin/jobs",
      {
        schema: {
          tags: ["jobs"],
          summary: "Queue counts, documents per tenant and status, recent failures",
          response: { 200: JobsOverviewSchema, ...errors },
        },
      },
      async (request) => documents.jobsOverview(actorOf(request)),
    );
  };
}
