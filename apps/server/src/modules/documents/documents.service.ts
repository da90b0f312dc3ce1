import type { Readable } from "node:stream";
import { type Document, type Passage, titleFromFilename } from "@atrium/contracts";
import type { Database, DB } from "../../infra/db/database";
import type { Embedder } from "../../infra/embeddings";
import type { JobQueue } from "../../infra/queue/job-queue";
import type { Reranker } from "../../infra/rerank/http-reranker";
import type { SecretBox } from "../../infra/secrets";
import { type ObjectStorage, StorageError } from "../../infra/storage";
import { AppError, conflict, forbidden, notFound } from "../../lib/errors";
import { createTtlCache } from "../../lib/ttl-cache";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import type { RetrievedPassage, Retriever } from "../chats/chat-ports";
import type { RequireTenantRole } from "../tenants/tenant-access";
import type { TenantsRepository } from "../tenants/tenants.repository";
import type { DocumentEvents } from "./document-events";
import { INGEST_JOB } from "./documents.jobs";
import { presentDocument } from "./documents.presenter";
import type { DocumentRow, DocumentsRepository } from "./documents.repository";
import { fuseByScore, type RankedPassage, tsConfigFor } from "./hybrid";
import { sniffType } from "./parsing";
import { peekStream } from "./peek-stream";
import { REINDEX_JOB } from "./reindex.jobs";
import { type RerankedPassage, rerankPassages } from "./rerank";
import type { CandidateFilter, RetrievalRepository } from "./retrieval.repository";

export interface DocumentsServiceDeps {
  database: Pick<Database, "scoped" | "scopedConcurrently">;
  documents: DocumentsRepository;
  retrieval: RetrievalRepository;
  tenants: Pick<TenantsRepository, "findById">;
  storage: ObjectStorage;
  queue: Pick<JobQueue, "send" | "stats">;
  embedder: Pick<Embedder, "embed">;
  secrets: SecretBox;
  events: DocumentEvents;
  audit: Pick<AuditRepository, "record">;
  requireTenantRole: RequireTenantRole;
  maxUploadBytes: number;
  /** Vector-only hits below this cosine similarity are not "relevant" for answers. */
  minSimilarity?: number;
  /**
   * The embedding model understands English only (the local Universal Sentence Encoder): for
   * queries in other scripts its vectors are noise, so hybrid search uses full text there.
   */
  englishOnlyEmbeddings?: boolean;
  /** Optional cross-encoder: reorders the best `rerankCandidates` fused passages (rerank.ts). */
  reranker?: Reranker;
  /** Fused passages handed to the reranker per search (default 30; at least k). */
  rerankCandidates?: number;
  /** A failed rerank (the fused order is used then). */
  onRerankError?: (err: unknown) => void;
  /**
   * The embedder's vector space (`embeddingSpace`). Documents whose vectors are of another space
   * (the model was changed; the worker is re-embedding them) take no part in vector matching.
   */
  embeddingSpace?: string;
}

const docNotFound = () => notFound("document.not_found", "No such document.");

/** Uploads, versions, status and hybrid search of a tenant's documents. */
export function createDocumentsService(deps: DocumentsServiceDeps) {
  const { database, documents: repo } = deps;
  const minSimilarity = deps.minSimilarity ?? 0.3;
  // Per tenant, the documents whose vectors are of another model, read again every 5 s (a
  // re-embedding in progress shrinks the set as it goes; almost always it is empty).
  const outdated = createTtlCache<ReadonlySet<string>>({ ttlMs: 5000 });
  const outdatedIn = (tenantId: string, tx: DB): Promise<ReadonlySet<string>> => {
    const space = deps.embeddingSpace;
    if (!space) return Promise.resolve(new Set());
    return outdated.get(
      tenantId,
      async () => new Set((await repo.documentsOutsideSpace(space, tenantId, tx)).map((d) => d.id)),
    );
  };

  async function present(rows: DocumentRow[], tx: DB): Promise<Document[]> {
    const numbers = await repo.versionNumbers(
      rows.map((r) => r.latestVersionId).filter((x): x is string => !!x),
      tx,
    );
    return rows.map((r) => presentDocument(r, numbers.get(r.latestVersionId ?? "") ?? 1));
  }
  const presentOne = async (row: DocumentRow, tx: DB) => (await present([row], tx))[0] as Document;

  /** Members may upload when the tenant allows it (settings.membersCanUpload); admins always. */
  async function requireUploader(actor: Actor, tenantId: string, tx: DB) {
    const tenant = await deps.tenants.findById(tenantId, tx);
    const settings = ((tenant as { settings?: Record<string, unknown> } | undefined)?.settings ?? {}) as {
      membersCanUpload?: boolean;
    };
    await deps.requireTenantRole(actor, tenantId, settings.membersCanUpload ? "member" : "admin", tx);
  }

  /** Loads a document through the actor's tenant access (404 for other tenants). */
  async function accessible(actor: Actor, id: string, need: "member" | "admin") {
    const row = await database.scoped({ bypass: true }, (tx) => repo.findDocument(id, tx));
    if (!row || (actor.apiKeyTenantId && actor.apiKeyTenantId !== row.tenantId)) throw docNotFound();
    await database.scoped({ tenantId: row.tenantId, userId: actor.userId }, (tx) =>
      deps.requireTenantRole(actor, row.tenantId, need, tx),
    );
    return row;
  }

  async function publish(id: string, tenantId: string) {
    const doc = await database.scoped({ tenantId }, async (tx) => {
      const row = await repo.findDocument(id, tx);
      return row ? presentOne(row, tx) : undefined;
    });
    if (doc) deps.events.publish(doc);
  }

  async function hybrid(
    query: string,
    filter: CandidateFilter,
    k: number,
    mode: "hybrid" | "vector" | "keyword",
  ): Promise<RankedPassage[]> {
    const pool = Math.max(50, k * 5);
    if (mode === "hybrid" && deps.englishOnlyEmbeddings && tsConfigFor(query) !== "english") {
      // Full text first; vectors only when the words find nothing at all.
      const keywordOnly = await hybrid(query, filter, k, "keyword");
      return keywordOnly.length > 0 ? keywordOnly : hybrid(query, filter, k, "vector");
    }
    const [embedding] = mode === "keyword" ? [undefined] : await deps.embedder.embed([query]);
    const vectorPart = async (tx: DB) =>
      embedding
        ? {
            vector: await deps.retrieval.vectorCandidates(embedding, filter, pool, tx),
            stale: await outdatedIn(filter.tenantId, tx),
          }
        : { vector: [], stale: undefined };
    const keywordPart = async (tx: DB) =>
      mode === "vector"
        ? []
        : deps.retrieval.keywordCandidates({ query, tsConfig: tsConfigFor(query), embedding }, filter, pool, tx);
    const scope = { tenantId: filter.tenantId };
    // On PostgreSQL both lists are read at once on two connections, from one snapshot (a re-index
    // committed meanwhile is seen by both or neither); the keyword query, the slower, starts first.
    let [{ vector, stale }, keyword] =
      mode === "hybrid" && database.scopedConcurrently
        ? await database.scopedConcurrently(scope, keywordPart, vectorPart).then(([kw, v]) => [v, kw] as const)
        : await database.scoped(scope, async (tx) => [await vectorPart(tx), await keywordPart(tx)] as const);
    if (stale?.size) {
      // Vectors of another model: meaningless against this query's, until re-embedded.
      vector = vector.filter((c) => !stale.has(c.documentId));
      keyword = keyword.map(({ similarity, ...c }) =>
        stale.has(c.documentId) || similarity === undefined ? c : { ...c, similarity },
      );
    }
    if (mode === "vector")
      return vector.slice(0, k).map((c, i) => ({ ...c, similarity: c.score, vectorRank: i + 1, keywordRank: null }));
    if (mode === "keyword") return keyword.slice(0, k).map((c, i) => ({ ...c, vectorRank: null, keywordRank: i + 1 }));
    return fuseByScore(vector, keyword, k);
  }

  /** hybrid(), then the reranker when one is configured and wanted. */
  async function ranked(
    query: string,
    filter: CandidateFilter,
    k: number,
    mode: "hybrid" | "vector" | "keyword",
    rerank: boolean,
  ): Promise<{ passages: RerankedPassage[]; reranked: boolean }> {
    if (!deps.reranker || !rerank) {
      const passages = await hybrid(query, filter, k, mode);
      return { passages: passages.map((p) => ({ ...p, rerankScore: null })), reranked: false };
    }
    const candidates = await hybrid(query, filter, Math.max(k, deps.rerankCandidates ?? 30), mode);
    return rerankPassages(deps.reranker, query, candidates, k, (err) => deps.onRerankError?.(err));
  }

  /**
   * One re-index job per document, grouped by tenant and queued in turns across tenants so each
   * tenant's first documents come early. Not in a transaction: a lost job is found again by the
   * next request (the work is idempotent).
   */
  async function enqueueReindex(docs: { id: string; tenantId: string }[]): Promise<Map<string, string[]>> {
    const byTenant = new Map<string, string[]>();
    for (const d of docs) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d.id]);
    const queues = [...byTenant.entries()];
    for (let i = 0; queues.some(([, ids]) => i < ids.length); i++) {
      for (const [t, ids] of queues) {
        const id = ids[i];
        if (id) await deps.queue.send(REINDEX_JOB, { documentId: id }, { tenantId: t });
      }
    }
    return byTenant;
  }

  const service = {
    /**
     * Stores an upload (streamed, hashed, size-checked, type sniffed from content) and, in one
     * transaction, the document row and its ingestion job. With documentId, adds a new version.
     */
    async upload(
      actor: Actor,
      input: {
        tenantId: string;
        filename: string;
        stream: Readable;
        password?: string;
        tags?: string[];
        documentId?: string;
      },
    ): Promise<Document> {
      if (actor.apiKeyTenantId && actor.apiKeyTenantId !== input.tenantId)
        throw notFound("tenant.not_found", "No such tenant, or you are not a member of it.");
      await database.scoped({ tenantId: input.tenantId, userId: actor.userId }, (tx) =>
        requireUploader(actor, input.tenantId, tx),
      );
      let existing: DocumentRow | undefined;
      if (input.documentId) {
        existing = await accessible(actor, input.documentId, "member");
        if (existing.tenantId !== input.tenantId) throw docNotFound();
        if (existing.status === "queued" || existing.status === "processing") {
          throw conflict(
            "document.busy",
            "This document is still being processed. Wait until it is ready, then upload the new version.",
          );
        }
      }
      const { head, stream } = await peekStream(input.stream, 8192);
      const type = sniffType(head, input.filename);
      if (!type) {
        input.stream.resume();
        throw new AppError(
          415,
          "document.unsupported_type",
          "This file type is not supported. Upload PDF, DOCX, HTML, Markdown, text or CSV.",
        );
      }
      const documentId = existing?.id ?? crypto.randomUUID();
      const versionId = crypto.randomUUID();
      const key = `tenants/${input.tenantId}/documents/${documentId}/${versionId}`;
      let stored: { size: number; sha256: string };
      try {
        stored = await deps.storage.put(key, stream, { maxBytes: deps.maxUploadBytes });
      } catch (err) {
        if (err instanceof StorageError && err.code === "storage.too_large") {
          throw new AppError(
            413,
            "document.too_large",
            `The file is larger than ${Math.round(deps.maxUploadBytes / 1_048_576)} MB. Split it or ask an administrator to raise UPLOAD_MAX_BYTES.`,
          );
        }
        throw err;
      }
      try {
        const row = await database.scoped({ tenantId: input.tenantId, userId: actor.userId }, async (tx) => {
          const dup = await repo.findBySha(input.tenantId, stored.sha256, tx);
          // The same bytes again as a new version are fine when the last attempt failed or a
          // password now comes with them (an encrypted PDF being unlocked).
          const retrying = dup?.id === documentId && (existing?.status === "failed" || Boolean(input.password));
          if (dup && !retrying) {
            throw conflict(
              "document.duplicate",
              dup.id === documentId
                ? "This version is identical to the current one."
                : `This file was already uploaded as "${dup.title}".`,
            );
          }
          const common = {
            filename: input.filename,
            type,
            size: stored.size,
            sha256: stored.sha256,
            status: "queued" as const,
            progress: 0,
            errorCode: null,
            errorMessage: null,
            latestVersionId: versionId,
          };
          const doc = existing
            ? await repo.updateDocument(documentId, common, tx)
            : await repo.insertDocument(
                {
                  id: documentId,
                  tenantId: input.tenantId,
                  title: titleFromFilename(input.filename),
                  tags: input.tags ?? [],
                  uploadedBy: actor.userId,
                  ...common,
                },
                tx,
              );
          await repo.insertVersion(
            {
              id: versionId,
              documentId,
              tenantId: input.tenantId,
              version: await repo.nextVersionNumber(documentId, tx),
              filename: input.filename,
              type,
              size: stored.size,
              sha256: stored.sha256,
              storageKey: key,
              passwordEncrypted: input.password ? deps.secrets.seal(input.password) : null,
            },
            tx,
          );
          // The job is written in the same transaction as the rows: neither exists without the other.
          await deps.queue.send(INGEST_JOB, { versionId }, { tenantId: input.tenantId, tx });
          await deps.audit.record(
            {
              tenantId: input.tenantId,
              actorUserId: actor.userId,
              action: existing ? "document.version_uploaded" : "document.uploaded",
              targetType: "document",
              targetId: documentId,
              data: { size: stored.size, type },
            },
            tx,
          );
          if (!doc) throw docNotFound();
          return presentOne(doc, tx);
        });
        deps.events.publish(row);
        return row;
      } catch (err) {
        await deps.storage.delete(key).catch(() => undefined);
        throw err;
      }
    },

    async list(
      actor: Actor,
      q: { tenantId: string; q?: string; status?: Document["status"]; limit: number; offset: number },
    ) {
      return database.scoped({ tenantId: q.tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, q.tenantId, "member", tx);
        const { rows, total } = await repo.list(q, tx);
        return { items: await present(rows, tx), total };
      });
    },

    async get(actor: Actor, id: string): Promise<Document> {
      const row = await accessible(actor, id, "member");
      return database.scoped({ tenantId: row.tenantId }, (tx) => presentOne(row, tx));
    },

    async update(actor: Actor, id: string, input: { title?: string; tags?: string[] }): Promise<Document> {
      const row = await accessible(actor, id, "admin");
      return database.scoped({ tenantId: row.tenantId }, async (tx) => {
        const updated = await repo.updateDocument(id, input, tx);
        if (!updated) throw docNotFound();
        return presentOne(updated, tx);
      });
    },

    /** Deletes the document, its versions, chunks and vectors, then its files. */
    async remove(actor: Actor, id: string): Promise<void> {
      const row = await accessible(actor, id, "admin");
      await database.scoped({ tenantId: row.tenantId, userId: actor.userId }, async (tx) => {
        // The row read above may be stale: the active version is read again, locked (see lockDocument).
        const current = await repo.lockDocument(id, tx);
        if (current?.activeVersionId) await repo.countInKeywordStats(current.activeVersionId, -1, tx);
        await repo.deleteDocument(id, tx);
        await deps.audit.record(
          {
            tenantId: row.tenantId,
            actorUserId: actor.userId,
            action: "document.deleted",
            targetType: "document",
            targetId: id,
            data: { title: row.title },
          },
          tx,
        );
      });
      await deps.storage.deletePrefix(`tenants/${row.tenantId}/documents/${id}/`);
    },

    /** Where the latest file of a document is stored (for download). */
    async fileOf(actor: Actor, id: string): Promise<{ storageKey: string; filename: string; type: string }> {
      const row = await accessible(actor, id, "member");
      const version = row.latestVersionId
        ? await database.scoped({ tenantId: row.tenantId }, (tx) => repo.findVersion(row.latestVersionId as string, tx))
        : undefined;
      if (!version) throw docNotFound();
      return { storageKey: version.storageKey, filename: version.filename, type: version.type };
    },

    /** Queues a failed document again (the dead-letter "retry" button). */
    async retry(actor: Actor, id: string): Promise<Document> {
      const row = await accessible(actor, id, "admin");
      if (row.status !== "failed" || !row.latestVersionId) {
        throw conflict("document.busy", "Only a failed document can be retried.");
      }
      const versionId = row.latestVersionId;
      const doc = await database.scoped({ tenantId: row.tenantId }, async (tx) => {
        await repo.updateVersion(versionId, { status: "queued" }, tx);
        const updated = await repo.updateDocument(
          id,
          { status: "queued", progress: 0, errorCode: null, errorMessage: null },
          tx,
        );
        await deps.queue.send(INGEST_JOB, { versionId }, { tenantId: row.tenantId, tx });
        if (!updated) throw docNotFound();
        return presentOne(updated, tx);
      });
      deps.events.publish(doc);
      return doc;
    },

    /** Ranked passages for a query in a tenant's documents (hybrid by default, reranked when configured). */
    async search(
      actor: Actor,
      q: {
        tenantId: string;
        q: string;
        k: number;
        mode: "hybrid" | "vector" | "keyword";
        rerank?: boolean;
        documentId?: string;
        tag?: string;
        from?: string;
        to?: string;
      },
    ): Promise<{ items: Passage[]; reranked: boolean; tookMs: number }> {
      const started = performance.now();
      await database.scoped({ tenantId: q.tenantId, userId: actor.userId }, (tx) =>
        deps.requireTenantRole(actor, q.tenantId, "member", tx),
      );
      const { passages, reranked } = await ranked(
        q.q,
        {
          tenantId: q.tenantId,
          documentId: q.documentId,
          tag: q.tag,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
        },
        q.k,
        q.mode,
        q.rerank ?? true,
      );
      return { items: passages, reranked, tookMs: Math.round((performance.now() - started) * 10) / 10 };
    },

    /** Queue counts, documents per tenant and status, recent failures (instance admins). */
    async jobsOverview(actor: Actor) {
      if (actor.apiKeyTenantId || (actor.role !== "owner" && actor.role !== "admin")) {
        throw forbidden("Only instance administrators can see the job queues.");
      }
      const queues = (await deps.queue.stats([INGEST_JOB, REINDEX_JOB])).map((s) => ({
        name: s.name,
        queued: s.queuedCount,
        active: s.activeCount,
        failed: s.failedCount ?? 0,
        total: s.totalCount,
      }));
      return database.scoped({ bypass: true }, async (tx) => {
        const counts = await repo.statusCounts(tx);
        const byTenant = new Map<
          string,
          { tenantId: string; tenantName: string; queued: number; processing: number; ready: number; failed: number }
        >();
        for (const c of counts) {
          const t = byTenant.get(c.tenantId) ?? {
            tenantId: c.tenantId,
            tenantName: c.tenantName,
            queued: 0,
            processing: 0,
            ready: 0,
            failed: 0,
          };
          t[c.status] = c.n;
          byTenant.set(c.tenantId, t);
        }
        return {
          queues,
          byTenant: [...byTenant.values()],
          recentFailures: await present(await repo.recentFailures(20, tx), tx),
        };
      });
    },

    /**
     * Queues the re-indexing of every searchable document of a tenant (its admins), or of every
     * tenant (instance admins, no tenantId): one job per document, grouped by tenant, queued in
     * turns across tenants so each tenant's first documents come early. Idempotent: documents
     * already up to date are only read.
     */
    async reindex(actor: Actor, input: { tenantId?: string }): Promise<{ tenants: number; documents: number }> {
      const { tenantId } = input;
      if (tenantId) {
        if (actor.apiKeyTenantId && actor.apiKeyTenantId !== tenantId)
          throw notFound("tenant.not_found", "No such tenant, or you are not a member of it.");
        await database.scoped({ tenantId, userId: actor.userId }, (tx) =>
          deps.requireTenantRole(actor, tenantId, "admin", tx),
        );
      } else if (actor.apiKeyTenantId || (actor.role !== "owner" && actor.role !== "admin")) {
        throw forbidden("Only instance administrators can re-index every tenant. Pass tenantId to re-index one.");
      }
      const docs = await database.scoped({ bypass: true }, (tx) => repo.activeDocuments(tenantId, tx));
      const byTenant = await enqueueReindex(docs);
      await database.scoped({ bypass: true }, (tx) =>
        deps.audit.record(
          {
            tenantId: tenantId ?? null,
            actorUserId: actor.userId,
            action: "documents.reindex_requested",
            targetType: tenantId ? "tenant" : "instance",
            targetId: tenantId ?? null,
            data: { tenants: byTenant.size, documents: docs.length },
          },
          tx,
        ),
      );
      return { tenants: byTenant.size, documents: docs.length };
    },

    /**
     * After the embedding model was changed: queues the re-indexing (which embeds their chunks
     * again) of every document whose searchable vectors are of another space than `space`.
     * Versions indexed before spaces were recorded are taken to be of `space`. Run by the worker
     * at start; idempotent.
     */
    async reembedOutdated(space: string): Promise<{ documents: number; from: string[] }> {
      const docs = await database.scoped({ bypass: true }, async (tx) => {
        await repo.recordMissingSpace(space, tx);
        return repo.documentsOutsideSpace(space, undefined, tx);
      });
      if (docs.length === 0) return { documents: 0, from: [] };
      await enqueueReindex(docs);
      return { documents: docs.length, from: [...new Set(docs.map((d) => d.space ?? "unknown"))] };
    },

    /** Re-reads a document and tells the sockets watching its tenant. */
    publish,
  };

  /** The chat retriever: relevant passages only (vector-only hits need a minimum similarity). */
  const retriever: Retriever = {
    async retrieve(tenantId, query, opts): Promise<RetrievedPassage[]> {
      const { passages } = await ranked(query, { tenantId }, opts.k, "hybrid", true);
      return passages
        .filter((p) => p.keywordRank !== null || (p.similarity ?? 0) >= minSimilarity)
        .map((p) => ({
          id: p.chunkId,
          title: p.documentTitle,
          text: p.text,
          ref: [p.documentTitle, p.page ? `p. ${p.page}` : "", p.headingPath].filter(Boolean).join(" · "),
          score: p.score,
          documentId: p.documentId,
          page: p.page,
        }));
    },
  };

  return { ...service, retriever };
}
export type DocumentsService = ReturnType<typeof createDocumentsService>;
