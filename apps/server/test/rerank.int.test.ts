import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeEmbedder } from "../src/infra/embeddings";
import { type RecordedRequest, startTestHttpServer, type TestHttpServer } from "../src/infra/llm/test-http-server";
import { backends } from "./backends";
import { upload, waitForDocument } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

type Auth = { authorization: string };
interface SearchBody {
  items: { text: string; score: number; rerankScore: number | null }[];
  reranked: boolean;
}

/**
 * A real rerank server (Cohere-style API) on 127.0.0.1: it scores a passage 0.9 when it mentions
 * a walrus and 0.1 otherwise, or fails while `failing` is set.
 */
let failing = false;
function rerankServer(req: RecordedRequest, res: ServerResponse) {
  const body = req.body as { query: string; documents: string[]; top_n: number; model?: string };
  if (failing) {
    res.writeHead(503, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: "overloaded" }));
  }
  const results = body.documents
    .map((text, index) => ({ index, relevance_score: /walrus/i.test(text) ? 0.9 : 0.1 }))
    .sort((a, b) => b.relevance_score - a.relevance_score);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ id: "r1", results }));
}

describe.each(backends)("search with a reranker on $name", (backend) => {
  let t: TestApp;
  let owner: Auth;
  let reranker: TestHttpServer;
  let tenantId: string;

  beforeAll(async () => {
    reranker = await startTestHttpServer(rerankServer);
    t = await startTestApp(
      backend,
      { RERANK_URL: `${reranker.url}/v1/rerank`, RERANK_MODEL: "test-reranker", RERANK_API_KEY: "rk-secret" },
      { embedder: fakeEmbedder(512) },
      { jobs: true },
    );
    owner = await t.setupOwner();
    tenantId = (await t.createTenant(owner, "Rerank")).id;
    // Keyword search prefers the otter page (the query's words, twice); the reranker the walrus one.
    for (const [name, text] of [
      ["otters.md", "# Otters\n\nSea mammals sleep afloat. Sea mammals hold hands while they sleep."],
      ["walrus.md", "# Walrus\n\nThe walrus is a sea mammal that hauls out on ice."],
      ["birds.md", "# Birds\n\nGulls follow fishing boats along the coast."],
    ]) {
      const res = await upload(t, owner, tenantId, name as string, text as string);
      expect(res.statusCode).toBe(202);
      await waitForDocument(t, owner, res.json().id);
    }
  });
  afterAll(async () => {
    await t?.close();
    await reranker?.close();
  });

  const search = async (extra = "") => {
    const res = await t.app.inject({
      url: `/api/v1/search?tenantId=${tenantId}&q=${encodeURIComponent("sea mammals sleep")}&mode=keyword&k=1${extra}`,
      headers: owner,
    });
    expect(res.statusCode).toBe(200);
    return res.json() as SearchBody;
  };

  it("reorders the fused passages by the reranker's scores and keeps k", async () => {
    const asked = reranker.requests.length;
    const plain = await search("&rerank=false");
    expect(plain.reranked).toBe(false);
    expect(plain.items[0]?.text).toMatch(/Otters|afloat/);
    expect(plain.items.every((p) => p.rerankScore === null)).toBe(true);
    expect(reranker.requests.length).toBe(asked); // not asked

    const body = await search();
    expect(body.reranked).toBe(true);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]?.text).toMatch(/walrus/);
    expect(body.items.map((p) => p.rerankScore)).toEqual([0.9]);
    const request = reranker.requests.at(-1);
    expect(request?.url).toBe("/v1/rerank");
    expect(request?.headers.authorization).toBe("Bearer rk-secret");
    const sent = request?.body as { model: string; query: string; documents: string[]; top_n: number };
    expect(sent.model).toBe("test-reranker");
    expect(sent.query).toBe("sea mammals sleep");
    // More candidates than k go to the reranker (both keyword matches here), each with its heading.
    expect(sent.documents).toHaveLength(2);
    expect(sent.top_n).toBe(sent.documents.length);
    expect(sent.documents.some((d) => /^Walrus\n/.test(d))).toBe(true);
  });

  it("keeps the fused order when the reranker fails, and says so", async () => {
    failing = true;
    try {
      const body = await search();
      expect(body.reranked).toBe(false);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]?.text).toMatch(/Otters|afloat/);
    } finally {
      failing = false;
    }
    expect((await search()).reranked).toBe(true);
  });

  it("refuses a rerank value other than true or false", async () => {
    const res = await t.app.inject({
      url: `/api/v1/search?tenantId=${tenantId}&q=sea&rerank=maybe`,
      headers: owner,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("request.invalid");
    expect(res.json().error.message).toMatch(/rerank/);
  });
});
