import type { Document } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api-client";
import {
  createUploadQueue,
  type FileLike,
  filePercent,
  isRetryable,
  type Upload,
  uploadErrorFromResponse,
  uploadProgress,
} from "./upload-queue";

const TENANT = "00000000-0000-4000-8000-0000000000a1";

function storedDocument(name: string): Document {
  return {
    id: `00000000-0000-4000-8000-${String(name.length).padStart(12, "0")}`,
    tenantId: TENANT,
    title: name,
    filename: name,
    type: "pdf",
    size: 100,
    sha256: "x",
    status: "queued",
    progress: 0,
    errorCode: null,
    errorMessage: null,
    language: null,
    pageCount: null,
    chunkCount: 0,
    tags: [],
    version: 1,
    hasActiveVersion: false,
    createdAt: "2025-01-01T10:00:00.000Z",
    updatedAt: "2025-01-01T10:00:00.000Z",
  };
}

/** A stand-in server: every upload waits until the test answers it. */
function fakeServer() {
  const calls: Array<{
    name: string;
    progress: (loaded: number) => void;
    resolve: (document: Document) => void;
    reject: (error: unknown) => void;
    signal: AbortSignal;
  }> = [];
  const send = (upload: Upload<FileLike>, progress: (loaded: number) => void, signal: AbortSignal) =>
    new Promise<Document>((resolve, reject) => {
      calls.push({ name: upload.file.name, progress, resolve, reject, signal });
    });
  const call = (name: string) => {
    const found = calls.find((c) => c.name === name);
    if (!found) throw new Error(`${name} was never sent`);
    return found;
  };
  return { calls, send, call };
}

const files = (...names: string[]) => names.map((name) => ({ name, size: 100 }));
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const statuses = (uploads: readonly Upload[]) => uploads.map((u) => `${u.file.name}:${u.status}`);

describe("upload queue", () => {
  it("sends at most three files at once and starts the next when one ends", async () => {
    const server = fakeServer();
    const uploaded: string[] = [];
    const queue = createUploadQueue({ send: server.send, onUploaded: (doc) => uploaded.push(doc.title) });

    queue.add(TENANT, files("a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"));
    expect(server.calls.map((c) => c.name)).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
    expect(statuses(queue.getSnapshot())).toEqual([
      "a.pdf:uploading",
      "b.pdf:uploading",
      "c.pdf:uploading",
      "d.pdf:waiting",
      "e.pdf:waiting",
    ]);

    server.call("b.pdf").resolve(storedDocument("b.pdf"));
    await flush();
    expect(server.calls.map((c) => c.name)).toEqual(["a.pdf", "b.pdf", "c.pdf", "d.pdf"]);
    // A finished upload leaves the list: its document row takes over.
    expect(statuses(queue.getSnapshot())).toEqual([
      "a.pdf:uploading",
      "c.pdf:uploading",
      "d.pdf:uploading",
      "e.pdf:waiting",
    ]);
    expect(uploaded).toEqual(["b.pdf"]);

    server
      .call("a.pdf")
      .reject(uploadErrorFromResponse(409, '{"error":{"code":"document.duplicate","message":"dup"}}'));
    await flush();
    expect(server.calls).toHaveLength(5);
    expect(statuses(queue.getSnapshot())).toEqual([
      "a.pdf:failed",
      "c.pdf:uploading",
      "d.pdf:uploading",
      "e.pdf:uploading",
    ]);
  });

  it("keeps a failure with its error until it is retried or dismissed", async () => {
    const server = fakeServer();
    const queue = createUploadQueue({ send: server.send });
    queue.add(TENANT, files("locked.pdf"));
    server.call("locked.pdf").reject(new ApiError({ status: 403, code: "auth.forbidden", message: "no" }));
    await flush();
    const [failed] = queue.getSnapshot();
    expect(failed?.status).toBe("failed");
    expect(failed?.error?.code).toBe("auth.forbidden");

    queue.retry(failed?.id ?? "");
    expect(server.calls).toHaveLength(2);
    expect(queue.getSnapshot()[0]?.status).toBe("uploading");
    expect(queue.getSnapshot()[0]?.error).toBeUndefined();

    server.calls[1]?.reject(new TypeError("Failed to fetch"));
    await flush();
    expect(queue.getSnapshot()[0]?.error?.code).toBe("network");
    queue.remove(queue.getSnapshot()[0]?.id ?? "");
    expect(queue.getSnapshot()).toEqual([]);
  });

  it("cancels a running upload without reporting it as failed, and moves on", async () => {
    const server = fakeServer();
    const queue = createUploadQueue({ send: server.send, limit: 1 });
    queue.add(TENANT, files("big.pdf", "next.pdf"));
    const big = server.call("big.pdf");
    queue.remove(queue.getSnapshot()[0]?.id ?? "");
    expect(big.signal.aborted).toBe(true);
    expect(server.calls.map((c) => c.name)).toEqual(["big.pdf", "next.pdf"]);
    big.reject(new DOMException("cancelled", "AbortError"));
    await flush();
    expect(statuses(queue.getSnapshot())).toEqual(["next.pdf:uploading"]);
  });

  it("reports each file's bytes and tells listeners", () => {
    const server = fakeServer();
    const queue = createUploadQueue({ send: server.send });
    let notified = 0;
    queue.subscribe(() => notified++);
    queue.add(TENANT, [{ name: "a.pdf", size: 400 }]);
    server.call("a.pdf").progress(100);
    expect(queue.getSnapshot()[0]?.loaded).toBe(100);
    expect(filePercent(queue.getSnapshot()[0] as Upload)).toBe(25);
    expect(notified).toBeGreaterThanOrEqual(3);
  });
});

describe("uploadProgress", () => {
  const upload = (size: number, loaded: number, status: Upload["status"] = "uploading"): Upload => ({
    id: String(Math.random()),
    tenantId: TENANT,
    file: { name: "f", size },
    loaded,
    status,
  });

  it("weighs files by size and leaves failed ones out", () => {
    expect(uploadProgress([upload(300, 300), upload(100, 0, "waiting")])).toEqual({
      loaded: 300,
      total: 400,
      percent: 75,
    });
    expect(uploadProgress([upload(100, 50), upload(900, 0, "failed")]).percent).toBe(50);
  });

  it("is zero for nothing, and never passes 100", () => {
    expect(uploadProgress([])).toEqual({ loaded: 0, total: 0, percent: 0 });
    expect(uploadProgress([upload(100, 250)]).percent).toBe(100);
    expect(filePercent({ loaded: 0, file: { name: "empty.txt", size: 0 } })).toBe(0);
  });
});

describe("isRetryable", () => {
  it("offers to send again only after trouble on the way or on the server", () => {
    const retryable = (status: number) => isRetryable(uploadErrorFromResponse(status, ""));
    expect([0, 429, 500, 503].map(retryable)).toEqual([true, true, true, true]);
    expect([403, 409, 413, 415].map(retryable)).toEqual([false, false, false, false]);
  });
});

describe("uploadErrorFromResponse", () => {
  it("keeps the API's own error code, message and request id", () => {
    const error = uploadErrorFromResponse(
      415,
      JSON.stringify({ error: { code: "document.unsupported_type", message: "Nope", requestId: "req-1" } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.requestId]).toEqual([
      415,
      "document.unsupported_type",
      "Nope",
      "req-1",
    ]);
  });

  it("maps bare statuses (a proxy's error page) to what they mean for an upload", () => {
    const codeOf = (status: number) => uploadErrorFromResponse(status, "<html>error</html>").code;
    expect(codeOf(413)).toBe("document.too_large");
    expect(codeOf(415)).toBe("document.unsupported_type");
    expect(codeOf(409)).toBe("document.duplicate");
    expect(codeOf(403)).toBe("auth.forbidden");
    expect(codeOf(0)).toBe("network");
    expect(codeOf(502)).toBe("service.unavailable");
    expect(codeOf(500)).toBe("internal");
  });
});
