import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../src/infra/db/database";
import { type Embedder, embeddingSpace, fakeEmbedder } from "../src/infra/embeddings";
import { embedTextFor } from "../src/modules/documents/parsing";
import { backends } from "./backends";
import { HANDBOOK, upload, waitForDocument } from "./documents-fixtures";
import { startTestApp } from "./harness";

type ChunkRow = { chunk_id: string; text: string; heading_path: string; embedding: string };

describe.each(backends)("a changed embedding model on $name", (backend) => {
  it("re-embeds the documents indexed with the old model when the server starts with a new one", async () => {
    // Two server lifetimes on one database: the first with model A, the second with model B.
    const { database, drop } = await backend.open();
    const shared = {
      name: backend.name,
      open: async () => ({ database: { ...database, close: async () => {} }, drop: async () => {} }),
    };
    const modelA = fakeEmbedder(512);
    // Model B: another space (its vectors negated); one instance per server, as each closes its own.
    const modelBInstance = (): Embedder => {
      const base = fakeEmbedder(512);
      return {
        ...base,
        model: "hashing-trick-negated",
        embed: async (texts) => (await base.embed(texts)).map((v) => v.map((x) => -x)),
      };
    };
    const modelB = modelBInstance();
    const a = await startTestApp(shared, {}, { embedder: modelA }, { jobs: true });
    const owner = await a.setupOwner();
    const tenant = await a.createTenant(owner, "Models");
    const ids: string[] = [];
    for (const [name, text] of [
      ["handbook.md", HANDBOOK],
      ["older.md", "# Older\n\nThe greenhouse is watered every Tuesday morning."],
    ] as const) {
      const res = await upload(a, owner, tenant.id, name, text);
      expect(res.statusCode).toBe(202);
      const doc = res.json() as { id: string };
      expect((await waitForDocument(a, owner, doc.id)).status).toBe("ready");
      ids.push(doc.id);
    }
    const [handbook, older] = ids as [string, string];
    const versionOf = async (documentId: string) =>
      database.scoped({ bypass: true }, async (tx) => {
        const [row] = rowsOf<{ id: string; embedding_space: string | null }>(
          await tx.execute(sql`select v.id, v.embedding_space from documents d
            join document_versions v on v.id = d.active_version_id where d.id = ${documentId}`),
        );
        if (!row) throw new Error(`no searchable version of ${documentId}`);
        return row;
      });
    const chunksOf = async (documentId: string) =>
      database.scoped({ tenantId: tenant.id }, async (tx) =>
        rowsOf<ChunkRow>(
          await tx.execute(sql`select c.chunk_id, c.text, c.heading_path, c.embedding::text as embedding
            from chunks c join documents d on d.active_version_id = c.version_id
           where d.id = ${documentId} order by c.ordinal`),
        ),
      );
    expect((await versionOf(handbook)).embedding_space).toBe(embeddingSpace(modelA));
    // A version indexed before spaces were recorded (no space): taken to be of the current model.
    const olderVersion = await versionOf(older);
    await database.scoped({ bypass: true }, (tx) =>
      tx.execute(sql`update document_versions set embedding_space = null where id = ${olderVersion.id}`),
    );
    const before = { handbook: await chunksOf(handbook), older: await chunksOf(older) };
    const search = async (app: typeof a, q: string, mode: string) => {
      const res = await app.app.inject({
        url: `/api/v1/search?tenantId=${tenant.id}&q=${encodeURIComponent(q)}&mode=${mode}&k=3`,
        headers: owner,
      });
      expect(res.statusCode).toBe(200);
      return res.json().items as { documentId: string }[];
    };
    const question = "How many days of paid holiday per year?";
    expect((await search(a, question, "vector"))[0]?.documentId).toBe(handbook);
    await a.close();

    // Model B, before any worker has re-embedded: vectors of model A (and unrecorded ones) take
    // no part in vector matching; keyword matching is unaffected.
    const waiting = await startTestApp(shared, {}, { embedder: modelBInstance() });
    try {
      expect(await search(waiting, question, "vector")).toEqual([]);
      expect((await search(waiting, "paid holiday", "keyword"))[0]?.documentId).toBe(handbook);
      expect((await search(waiting, "paid holiday", "hybrid"))[0]?.documentId).toBe(handbook);
    } finally {
      await waiting.close();
    }

    const b = await startTestApp(shared, {}, { embedder: modelB }, { jobs: true });
    try {
      for (let i = 0; i < 300 && (await versionOf(handbook)).embedding_space !== embeddingSpace(modelB); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await versionOf(handbook)).embedding_space).toBe(embeddingSpace(modelB));
      const after = await chunksOf(handbook);
      // Same passages (ids, texts), each vector now model B's for the text ingestion embedded.
      expect(after.map((c) => [c.chunk_id, c.text])).toEqual(before.handbook.map((c) => [c.chunk_id, c.text]));
      const expected = await modelB.embed(after.map((c) => embedTextFor(c.text, c.heading_path.split(" > "), 100)));
      for (const [i, c] of after.entries()) {
        const stored = JSON.parse(c.embedding) as number[];
        const want = Array.from(expected[i] as Float32Array);
        expect(Math.max(...stored.map((x, j) => Math.abs(x - (want[j] as number))))).toBeLessThan(1e-5);
        expect(c.embedding).not.toBe(before.handbook[i]?.embedding);
      }
      // The version without a record was not re-embedded; it is recorded as of the current model.
      expect((await versionOf(older)).embedding_space).toBe(embeddingSpace(modelB));
      expect(await chunksOf(older)).toEqual(before.older);
      // Vector search now finds the handbook with model B's query vectors.
      await new Promise((r) => setTimeout(r, 5100)); // the search's view of outdated documents is 5 s old at most
      expect((await search(b, question, "vector"))[0]?.documentId).toBe(handbook);
    } finally {
      await b.close();
      await database.close();
      await drop();
    }
  });
});
