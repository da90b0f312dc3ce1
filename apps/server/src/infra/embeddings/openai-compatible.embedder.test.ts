import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { pause, type RecordedRequest, startTestHttpServer, type TestHttpServer } from "../llm/test-http-server";
import { dot, EmbeddingError } from "./embeddings.types";
import { createOpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from "./openai-compatible.embedder";

interface EmbeddingsBody {
  model: string;
  input: string[];
  dimensions?: number;
}

/** A deterministic raw vector per text: [length, count of "a", 1, ...], not normalised on purpose. */
function rawVector(text: string, width: number): number[] {
  const v = [text.length, (text.match(/a/g) ?? []).length, 1, 2, 3, 4, 5, 6].slice(0, width);
  while (v.length < width) v.push(1);
  return v;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Answers like OpenAI, with the items in reverse order (each carries its index). */
function answer(req: RecordedRequest, res: ServerResponse, width = 3) {
  const body = req.body as EmbeddingsBody;
  const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: rawVector(text, width) }));
  json(res, 200, {
    object: "list",
    model: body.model,
    data: data.reverse(),
    usage: { prompt_tokens: 1, total_tokens: 1 },
  });
}

function apiError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  json(res, status, { error: { message, type: "test_error", code: null } }, headers);
}

async function rejection(promise: Promise<unknown>): Promise<EmbeddingError> {
  try {
    await promise;
  } catch (err) {
    return err as EmbeddingError;
  }
  throw new Error("expected the promise to reject");
}

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  handler: (req: RecordedRequest, res: ServerResponse, index: number) => unknown,
  opts: Partial<OpenAiCompatibleEmbedderOptions> = {},
) {
  server = await startTestHttpServer(handler);
  const embedder = createOpenAiCompatibleEmbedder({
    baseURL: `${server.url}/v1/`,
    apiKey: "sk-test",
    model: "test-embed",
    retryBaseDelayMs: 10,
    ...opts,
  });
  return { server, embedder };
}

describe("OpenAI-compatible embedder against a real HTTP server", () => {
  it("posts batches to /embeddings with the key and returns normalised vectors in input order", async () => {
    const { server, embedder } = await serve((req, res) => answer(req, res), { maxInputsPerRequest: 2 });
    const texts = ["banana", "apple", "a longer text here", "kiwi", "papaya"];
    const vectors = await embedder.embed(texts);

    expect(server.requests.map((r) => (r.body as EmbeddingsBody).input)).toEqual([
      ["banana", "apple"],
      ["a longer text here", "kiwi"],
      ["papaya"],
    ]);
    const first = server.requests[0]!;
    expect(first.method).toBe("POST");
    expect(first.url).toBe("/v1/embeddings");
    expect(first.headers.authorization).toBe("Bearer sk-test");
    expect(first.body).toEqual({ model: "test-embed", input: ["banana", "apple"] });

    expect(vectors).toHaveLength(5);
    texts.forEach((text, i) => {
      const raw = rawVector(text, 3);
      const norm = Math.hypot(...raw);
      expect(Array.from(vectors[i]!)).toEqual(raw.map((x) => Math.fround(x / norm)));
      expect(dot(vectors[i]!, vectors[i]!)).toBeCloseTo(1, 5);
    });
    expect(embedder.dimensions).toBe(3);
  });

  it("sends no authorization header when no key is configured", async () => {
    const { server, embedder } = await serve((req, res) => answer(req, res), { apiKey: "" });
    await embedder.embed(["x"]);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("retries a 429 after its Retry-After and a 503 with backoff, then succeeds", async () => {
    const { server, embedder } = await serve((req, res, i) => {
      if (i === 0) return apiError(res, 429, "slow down", { "retry-after": "0.2" });
      if (i === 1) return apiError(res, 503, "overloaded");
      return answer(req, res);
    });
    const started = performance.now();
    const vectors = await embedder.embed(["one", "two"]);
    expect(vectors).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("gives up after the retries with embeddings.unavailable and the status", async () => {
    const { server, embedder } = await serve((_req, res) => apiError(res, 500, "boom"), { maxRetries: 2 });
    const err = await rejection(embedder.embed(["x"]));
    expect(err).toBeInstanceOf(EmbeddingError);
    expect(err.code).toBe("embeddings.unavailable");
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/answered 500 \(boom\)/);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a refused key or a refused request", async () => {
    const keyServer = await serve((_req, res) => apiError(res, 401, "Incorrect API key provided"));
    const keyErr = await rejection(keyServer.embedder.embed(["x"]));
    expect(keyErr.code).toBe("embeddings.unavailable");
    expect(keyErr.message).toMatch(/API key was refused/);
    expect(keyServer.server.requests).toHaveLength(1);
    await keyServer.server.close();

    const badServer = await serve((_req, res) => apiError(res, 400, "This model's maximum context length is 8192"));
    const badErr = await rejection(badServer.embedder.embed(["x"]));
    expect(badErr.code).toBe("embeddings.bad_request");
    expect(badErr.message).toMatch(/maximum context length/);
    expect(badServer.server.requests).toHaveLength(1);
  });

  it("times out a silent server, retries, then reports it", async () => {
    const { server, embedder } = await serve(() => undefined, { timeoutMs: 150, maxRetries: 1 });
    const started = performance.now();
    const err = await rejection(embedder.embed(["x"]));
    expect(err.code).toBe("embeddings.unavailable");
    expect(err.message).toMatch(/did not answer within/);
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("reports an unreachable server", async () => {
    const { server, embedder } = await serve((req, res) => answer(req, res), { maxRetries: 1 });
    await server.close();
    const err = await rejection(embedder.embed(["x"]));
    expect(err.code).toBe("embeddings.unavailable");
    expect(err.message).toMatch(/Could not reach the embeddings server .*ECONNREFUSED/);
  });

  it("rejects vectors whose width differs from the configured one", async () => {
    const { embedder } = await serve((req, res) => answer(req, res, 3), { dimensions: 4 });
    const err = await rejection(embedder.embed(["x"]));
    expect(err.code).toBe("embeddings.failed");
    expect(err.message).toMatch(/3 dimensions, but 4 are expected/);
  });

  it("keeps the width first seen when none is configured", async () => {
    const { embedder } = await serve((req, res, i) => answer(req, res, i === 0 ? 3 : 5));
    expect(embedder.dimensions).toBe(0);
    await embedder.embed(["x"]);
    expect(embedder.dimensions).toBe(3);
    const err = await rejection(embedder.embed(["y"]));
    expect(err.code).toBe("embeddings.failed");
    expect(err.message).toMatch(/5 dimensions, but 3 are expected/);
  });

  it("asks for the configured width, and stops asking once the server refuses the parameter", async () => {
    const { server, embedder } = await serve(
      (req, res) => {
        const body = req.body as EmbeddingsBody;
        if (body.dimensions !== undefined) return apiError(res, 400, "This model does not support 'dimensions'");
        return answer(req, res, 4);
      },
      { dimensions: 4 },
    );
    expect(await embedder.embed(["x"])).toHaveLength(1);
    expect(await embedder.embed(["y"])).toHaveLength(1);
    expect(server.requests.map((r) => (r.body as EmbeddingsBody).dimensions)).toEqual([4, undefined, undefined]);
  });

  it("reports a malformed answer as embeddings.failed", async () => {
    const { embedder } = await serve((_req, res, i) => {
      if (i === 0) return json(res, 200, { data: [{ index: 0, embedding: [1, 0, 0] }] });
      if (i === 1) return json(res, 200, { data: [{ index: 0, embedding: [0, 0, 0] }] });
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>proxy login</html>");
    });
    const count = await rejection(embedder.embed(["a", "b"]));
    expect(count.code).toBe("embeddings.failed");
    expect(count.message).toMatch(/1 vectors for 2 texts/);
    const zero = await rejection(embedder.embed(["a"]));
    expect(zero.message).toMatch(/zero vector/);
    const html = await rejection(embedder.embed(["a"]));
    expect(html.message).toMatch(/other than JSON/);
  });

  it("accepts base64-encoded vectors", async () => {
    const { embedder } = await serve((_req, res) => {
      const embedding = Buffer.from(new Float32Array([3, 4]).buffer).toString("base64");
      json(res, 200, { data: [{ index: 0, embedding }] });
    });
    const [vector] = await embedder.embed(["x"]);
    expect(Array.from(vector!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it("refuses blank texts before calling the server", async () => {
    const { server, embedder } = await serve((req, res) => answer(req, res));
    const err = await rejection(embedder.embed(["ok", ""]));
    expect(err.code).toBe("embeddings.bad_request");
    expect(server.requests).toHaveLength(0);
  });

  it("stops when the signal aborts, closing the connection", async () => {
    const { server, embedder } = await serve(() => undefined);
    const controller = new AbortController();
    const pending = embedder.embed(["x"], { signal: controller.signal });
    while (server.requests.length === 0) await pause(5);
    controller.abort();
    const err = await rejection(pending);
    expect((err as Error).name).toBe("AbortError");
    await server.clientGone(0);
    expect(server.requests).toHaveLength(1);
  });

  it("close() ends requests in flight and refuses new ones", async () => {
    const { embedder } = await serve(() => undefined);
    const pending = rejection(embedder.embed(["x"]));
    await pause(50);
    await embedder.close();
    const err = await pending;
    expect(err.code).toBe("embeddings.unavailable");
    expect(err.message).toMatch(/closed/);
    expect((await rejection(embedder.embed(["y"]))).code).toBe("embeddings.unavailable");
  });
});
