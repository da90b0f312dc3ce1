import { type Document, ErrorBodySchema } from "@atrium/contracts";
import { ApiError } from "../../lib/api-client";

/** Files sent at the same time; the rest wait their turn. */
export const PARALLEL_UPLOADS = 3;

export type UploadStatus = "waiting" | "uploading" | "done" | "failed";

/** One file on its way to the server. */
export interface Upload<F extends FileLike = FileLike> {
  id: string;
  tenantId: string;
  file: F;
  /** Bytes sent so far. */
  loaded: number;
  status: UploadStatus;
  error?: ApiError;
  /** The stored document, once the server accepted the file. */
  document?: Document;
}

/** The part of a File the queue needs (tests pass plain objects). */
export interface FileLike {
  name: string;
  size: number;
}

/** Sends one file; reports bytes sent; resolves with the stored document. */
export type SendUpload<F extends FileLike> = (
  upload: Upload<F>,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
) => Promise<Document>;

export interface UploadQueueOptions<F extends FileLike> {
  send: SendUpload<F>;
  /** Called with each upload the server accepted. */
  onUploaded?: (document: Document) => void;
  limit?: number;
}

/**
 * Uploads files a few at a time: new files wait until one of the running uploads ends, failures
 * stay listed with their error (to retry or dismiss), finished ones leave the list.
 */
export function createUploadQueue<F extends FileLike>(options: UploadQueueOptions<F>) {
  const limit = options.limit ?? PARALLEL_UPLOADS;
  let uploads: Upload<F>[] = [];
  let seq = 0;
  const controllers = new Map<string, AbortController>();
  const listeners = new Set<() => void>();

  function publish() {
    for (const listener of listeners) listener();
  }

  function update(id: string, patch: Partial<Upload<F>>) {
    uploads = uploads.map((upload) => (upload.id === id ? { ...upload, ...patch } : upload));
    publish();
  }

  function pump() {
    let running = uploads.filter((upload) => upload.status === "uploading").length;
    for (const upload of uploads) {
      if (running >= limit) break;
      if (upload.status !== "waiting") continue;
      running++;
      start(upload);
    }
  }

  function start(upload: Upload<F>) {
    const controller = new AbortController();
    controllers.set(upload.id, controller);
    update(upload.id, { status: "uploading", loaded: 0, error: undefined });
    options
      .send({ ...upload, status: "uploading" }, (loaded) => update(upload.id, { loaded }), controller.signal)
      .then(
        (document) => {
          // Done: the document's own row takes over from here.
          uploads = uploads.filter((item) => item.id !== upload.id);
          publish();
          options.onUploaded?.(document);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          update(upload.id, { status: "failed", error: toUploadError(error) });
        },
      )
      .finally(() => {
        controllers.delete(upload.id);
        pump();
      });
  }

  return {
    /** Queues files for a tenant; up to `limit` of all queued files upload at once. */
    add(tenantId: string, files: Iterable<F>): void {
      for (const file of files) {
        uploads = [...uploads, { id: `u${++seq}`, tenantId, file, loaded: 0, status: "waiting" }];
      }
      publish();
      pump();
    },
    /** Sends a failed file again. */
    retry(id: string): void {
      const upload = uploads.find((item) => item.id === id);
      if (upload?.status !== "failed") return;
      update(id, { status: "waiting", loaded: 0, error: undefined });
      pump();
    },
    /** Stops an upload (or forgets a failed one). */
    remove(id: string): void {
      controllers.get(id)?.abort();
      uploads = uploads.filter((upload) => upload.id !== id);
      publish();
      pump();
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: (): readonly Upload<F>[] => uploads,
  };
}

export type UploadQueue<F extends FileLike = FileLike> = ReturnType<typeof createUploadQueue<F>>;

/** Bytes sent and to send over a set of uploads, for one progress figure. */
export function uploadProgress(uploads: readonly Upload[]): { loaded: number; total: number; percent: number } {
  let loaded = 0;
  let total = 0;
  for (const upload of uploads) {
    if (upload.status === "failed") continue;
    total += upload.file.size;
    loaded += Math.min(upload.loaded, upload.file.size);
  }
  return { loaded, total, percent: total === 0 ? 0 : Math.floor((loaded / total) * 100) };
}

/** Percent of one file sent (0..100). */
export function filePercent(upload: Pick<Upload, "loaded" | "file">): number {
  if (upload.file.size === 0) return upload.loaded > 0 ? 100 : 0;
  return Math.min(100, Math.floor((upload.loaded / upload.file.size) * 100));
}

/**
 * What an upload's failure means, from the status and body the server (or a proxy in front of it)
 * answered: the API's own error code when it sent one, otherwise the code the status stands for
 * in an upload (a proxy's bare 413 means the file is too large).
 */
export function uploadErrorFromResponse(status: number, body: string, requestId?: string): ApiError {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    payload = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(payload);
  if (parsed.success) {
    const { code, message, requestId: id, details } = parsed.data.error;
    return new ApiError({ status, code, message, requestId: id, details });
  }
  return new ApiError({ status, code: codeForStatus(status), message: `HTTP ${status}`, requestId });
}

/**
 * Whether sending the same file again may work: not for what is wrong with the file or the
 * permission (duplicate, type, size, forbidden), only for trouble on the way or on the server.
 */
export function isRetryable(error: ApiError | undefined): boolean {
  if (!error) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500 || error.code === "auth.token_expired";
}

function codeForStatus(status: number): string {
  if (status === 0) return "network";
  if (status === 401) return "auth.unauthenticated";
  if (status === 403) return "auth.forbidden";
  if (status === 404) return "tenant.not_found";
  if (status === 409) return "document.duplicate";
  if (status === 413) return "document.too_large";
  if (status === 415) return "document.unsupported_type";
  if (status === 429) return "request.rate_limited";
  if (status === 502 || status === 503 || status === 504) return "service.unavailable";
  if (status >= 500) return "internal";
  return "document.upload_invalid";
}

function toUploadError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, code: "network", message: error instanceof Error ? error.message : String(error) });
}
