import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type RecordedRequest, startTestHttpServer, type TestHttpServer } from "../llm/test-http-server";
import { createHttpReranker, RerankError, scoresFrom } from "./http-reranker";

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

async function serve(handler: (req: RecordedRequest, res: ServerResponse) => unknown) {
  server = await startTestHttpServer(handler);
  return server;
}

describe("createHttpReranker", () => {
  it("speaks the Cohere-style API: scores come back in the passages' order", async () => {
    const s = await serve((req, res) => {
      const { documents } = req.body as { documents: string[] };
      // Answered best first, as Cohere does; scores = length of the passage.
      const results = documents
        .map((d, index) => ({ index, relevance_score: d.length / 100, document: { text: d } }))
        .sort((a, b) => b.relevance_score - a.relevance_score);
      json(res, 200, { results, meta: {} });
    });
    const reranker = createHttpReranker({ url: `${s.url}/v2/rerank`, model: "rerank-v3.5", apiKey: "k1" });
    expect(await reranker.rerank("q", ["a", "abc", "ab"])).toEqual([0.01, 0.03, 0.02]);
    const req = s.requests[0];
    expect(req?.url).toBe("/v2/rerank");
    expect(req?.headers.authorization).toBe("Bearer k1");
    expect(req?.body).toEqual({ model: "rerank-v3.5", query: "q", documents: ["a", "abc", "ab"], top_n: 3 });
    expect(await reranker.rerank("q", [])).toEqual([]);
    expect(s.requests).toHaveLength(1); // nothing to rerank: no request
  });

  it("speaks text-embeddings-inference's API and cuts long passages", async () => {
    const s = await serve((req, res) => {
      const { texts } = req.body as { texts: string[] };
      json(
        res,
        200,
        texts.map((t, index) => ({ index, score: t.length })),
      );
    });
    const reranker = createHttpReranker({ url: `${s.url}/rerank`, format: "tei", maxPassageChars: 5 });
    expect(await reranker.rerank("q", ["abcdefgh", "ab"])).toEqual([5, 2]);
    expect(s.requests[0]?.body).toMatchObject({ query: "q", texts: ["abcde", "ab"] });
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("turns failures into RerankErrors that say what happened", async () => {
    let mode = "500";
    const s = await serve((_req, res) => {
      if (mode === "500") return json(res, 500, { error: "boom" });
      if (mode === "html") return json(res, 200, "<html>");
      if (mode === "slow") return new Promise((r) => setTimeout(r, 1_000)).then(() => json(res, 200, []));
    });
    const reranker = createHttpReranker({ url: s.url, timeoutMs: 200 });
    await expect(reranker.rerank("q", ["a"])).rejects.toThrow(/answered 500: .*boom/);
    mode = "html";
    await expect(reranker.rerank("q", ["a"])).rejects.toThrow(/not JSON/);
    mode = "slow";
    const slow = await reranker.rerank("q", ["a"]).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(RerankError);
    expect((slow as Error).message).toMatch(/did not answer within 200 ms/);
    await s.close();
    server = undefined;
    await expect(reranker.rerank("q", ["a"])).rejects.toThrow(/could not be reached/);
  });

  it("stops when the caller aborts", async () => {
    const s = await serve(() => new Promise(() => undefined));
    const controller = new AbortController();
    const pending = createHttpReranker({ url: s.url }).rerank("q", ["a"], { signal: controller.signal });
    controller.abort(new Error("user left"));
    await expect(pending).rejects.toThrow("user left");
  });
});

describe("scoresFrom", () => {
  it("refuses answers that do not score every passage exactly once", () => {
    expect(
      scoresFrom(
        {
          results: [
            { index: 1, relevance_score: 0.2 },
            { index: 0, relevance_score: 0.9 },
          ],
        },
        2,
      ),
    ).toEqual([0.9, 0.2]);
    expect(() => scoresFrom({}, 1)).toThrow(/no results list/);
    expect(() => scoresFrom({ results: [{ index: 0, relevance_score: 1 }] }, 2)).toThrow(/left out passage 1/);
    expect(() => scoresFrom([{ index: 2, score: 1 }], 2)).toThrow(/out of range/);
    expect(() => scoresFrom([{ index: 0, score: "high" }], 1)).toThrow(/no score for passage 0/);
    expect(() =>
      scoresFrom(
        [
          { index: 0, score: 1 },
          { index: 0, score: 2 },
        ],
        1,
      ),
    ).toThrow(/twice/);
  });
});
