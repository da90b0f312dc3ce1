import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeEmbedder } from "../src/infra/embeddings";
import { BM25, idf } from "../src/modules/documents/bm25";
import { backends } from "./backends";
import { multipart, upload, waitForDocument } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

type Auth = { authorization: string };
type Stats = { chunks: number; length: number; terms: Record<string, number> };

describe.each(backends)("keyword search (BM25) on $name", (backend) => {
  let t: TestApp;
  let owner: Auth;

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { embedder: fakeEmbedder(512) }, { jobs: true });
    owner = await t.setupOwner();
  });
  afterAll(() => t?.close());

  const rows = <T>(r: unknown): T[] => ("rows" in (r as object) ? (r as { rows: T[] }).rows : (r as T[]));

  /** The statistics as kept, and as recomputed from the searchable chunks, seen from one tenant. */
  async function statistics(tenantId: string): Promise<{ kept: Stats; actual: Stats }> {
    return t.container.database.scoped({ tenantId }, async (tx) => {
      const kept = rows<{ chunk_count: number; term_count: string }>(
        await tx.execute(sql`select chunk_count, term_count from keyword_stats`),
      )[0];
      const keptTerms = rows<{ lexeme: string; n: number }>(
        await tx.execute(sql`select lexeme, chunk_count as n from keyword_terms`),
      );
      const active = sql`chunks c join documents d on d.active_version_id = c.version_id`;
      const actual = rows<{ n: number; total: string | null }>(
        await tx.execute(sql`select count(*)::int as n, sum(c.term_count) as total from ${active}`),
      )[0];
      const actualTerms = rows<{ lexeme: string; n: number }>(
        await tx.execute(
          sql`select t.lexeme, count(*)::int as n from ${active}, unnest(tsvector_to_array(c.tsv)) t(lexeme) group by t.lexeme`,
        ),
      );
      return {
        kept: {
          chunks: kept?.chunk_count ?? 0,
          length: Number(kept?.term_count ?? 0),
          terms: Object.fromEntries(keptTerms.map((r) => [r.lexeme, r.n])),
        },
        actual: {
          chunks: actual?.n ?? 0,
          length: Number(actual?.total ?? 0),
          terms: Object.fromEntries(actualTerms.map((r) => [r.lexeme, r.n])),
        },
      };
    });
  }

  const search = async (tenantId: string, q: string) =>
    (
      await t.app.inject({
        url: `/api/v1/search?tenantId=${tenantId}&q=${encodeURIComponent(q)}&mode=keyword&k=10`,
        headers: owner,
      })
    ).json().items as { documentId: string; text: string }[];

  async function ready(tenantId: string, name: string, text: string) {
    const res = await upload(t, owner, tenantId, name, text);
    expect(res.statusCode).toBe(202);
    return waitForDocument(t, owner, res.json().id);
  }

  it("ranks a passage with the query's rare word above one repeating its common word", async () => {
    const tenant = await t.createTenant(owner, "Rare words");
    // "report" is in every document; "zeppelin" in one.
    const common = await ready(
      tenant.id,
      "reports.md",
      "# Reports\n\nThe report lists the report figures; every report cites an earlier report.",
    );
    const rare = await ready(tenant.id, "airship.md", "# Airship\n\nA zeppelin crossed the bay; see the report.");
    for (let i = 0; i < 4; i++) {
      await ready(tenant.id, `other-${i}.md`, `# Other ${i}\n\nThe yearly report number ${i} for the board.`);
    }
    const hits = await search(tenant.id, "zeppelin report");
    expect(hits.length).toBe(6);
    expect(hits[0]?.documentId).toBe(rare.id);
    expect(hits.findIndex((h) => h.documentId === common.id)).toBeGreaterThan(0);
  });

  it("keeps the statistics equal to the searchable chunks through upload, re-index and delete", async () => {
    const tenant = await t.createTenant(owner, "Statistics");
    const a = await ready(tenant.id, "a.md", "# Alpha\n\nOtters sleep holding hands.\n\n## Diet\n\nOtters eat clams.");
    await ready(tenant.id, "b.md", "# Beta\n\nBeavers build dams from branches.");
    let s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(s.kept.terms.otter).toBeGreaterThan(0);
    expect(s.kept.terms.beaver).toBe(1);

    // A new version: its words count, the replaced version's words no longer do.
    const body = multipart({}, { name: "a.md", content: "# Alpha\n\nWalruses sleep on ice floes." });
    const v2 = await t.app.inject({
      method: "POST",
      url: `/api/v1/documents/${a.id}/versions`,
      headers: { ...owner, ...body.headers },
      payload: body.payload,
    });
    expect(v2.statusCode).toBe(202);
    expect((await waitForDocument(t, owner, a.id)).version).toBe(2);
    s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(s.kept.terms.otter).toBeUndefined();
    expect(s.kept.terms.walrus).toBe(1);

    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/documents/${a.id}`, headers: owner })).statusCode,
    ).toBe(204);
    s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(s.kept.terms.walrus).toBeUndefined();
    expect(s.kept.chunks).toBe(1);
    expect(await search(tenant.id, "walrus")).toEqual([]);
  });

  it("matches a passage by the words of its section's neighbouring passages, and shows and cites the passage only", async () => {
    const tenant = await t.createTenant(owner, "Windows");
    const fill = (topic: string) =>
      Array.from({ length: 5 }, (_, i) => `Observation ${i} on ${topic} was logged by the field team in spring.`).join(
        " ",
      );
    const text = `# Field notes\n\nThe axolotl keeps its larval form. ${fill("the pond")}\n\n${fill("the gills")} Feathery gills.\n\n## Weather\n\nHeavy rainfall flooded the station. ${fill("the sky")}`;
    const doc = await ready(tenant.id, "notes.md", text);
    expect(doc.chunkCount).toBeGreaterThanOrEqual(3);
    const hits = await search(tenant.id, "axolotl");
    // The passage about the gills never names the axolotl, but the passage before it does.
    const gills = hits.find((h) => h.text.includes("Feathery gills"));
    expect(gills).toBeDefined();
    expect(gills?.text).not.toContain("axolotl");
    expect(hits.some((h) => h.text.includes("axolotl"))).toBe(true);
    // Windows stay within their section: the weather passage does not match the axolotl.
    expect(hits.some((h) => h.text.includes("rainfall"))).toBe(false);
    // Every passage of the first section counts the axolotl; none of the second does.
    const sections = await t.container.database.scoped({ tenantId: tenant.id }, async (tx) =>
      rows<{ heading_path: string; n: number }>(
        await tx.execute(sql`select heading_path, count(*)::int as n from chunks group by heading_path`),
      ),
    );
    const count = (path: string) => sections.find((r) => r.heading_path === path)?.n;
    const s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(count("Field notes")).toBeGreaterThanOrEqual(2);
    expect(s.kept.terms.axolotl).toBe(count("Field notes"));
    expect(s.kept.terms.rainfal).toBe(count("Field notes > Weather"));
  });

  it("keeps the statistics exact for a version of many chunks (counted in several statements on the embedded database)", async () => {
    const tenant = await t.createTenant(owner, "Many chunks");
    const long = (word: string) =>
      `# Long\n\n${Array.from({ length: 40 }, (_, i) => `## Part ${i}\n\nThe ${word} number ${i} of the long report has its own paragraph, about topic${i} alone, with enough words to be a passage.`).join("\n\n")}`;
    const doc = await ready(tenant.id, "long.md", long("heron"));
    expect(doc.chunkCount).toBeGreaterThan(20);
    let s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(s.kept.terms.heron).toBe(doc.chunkCount);
    const body = multipart({}, { name: "long.md", content: long("egret") });
    const v2 = await t.app.inject({
      method: "POST",
      url: `/api/v1/documents/${doc.id}/versions`,
      headers: { ...owner, ...body.headers },
      payload: body.payload,
    });
    expect(v2.statusCode).toBe(202);
    expect((await waitForDocument(t, owner, doc.id)).version).toBe(2);
    s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect(s.kept.terms.heron).toBeUndefined();
    expect(s.kept.terms.egret).toBeGreaterThan(20);
  });

  it("re-indexes documents indexed before keyword windows: windows, statistics kept, chunk ids unchanged", async () => {
    const tenant = await t.createTenant(owner, "Re-index");
    const other = await t.createTenant(owner, "Re-index other");
    const fill = (topic: string) =>
      Array.from({ length: 5 }, (_, i) => `Observation ${i} on ${topic} was logged by the field team in spring.`).join(
        " ",
      );
    const text = `# Field notes\n\nThe axolotl keeps its larval form. ${fill("the pond")}\n\n${fill("the gills")} Feathery gills.`;
    const doc = await ready(tenant.id, "notes.md", text);
    const theirs = await ready(other.id, "theirs.md", text.replace(/axolotl/g, "newt"));
    type Indexed = { chunk_id: string; tsv: string; term_count: number };
    const indexed = (tenantId: string) =>
      t.container.database.scoped({ tenantId }, async (tx) =>
        rows<Indexed>(await tx.execute(sql`select chunk_id, tsv::text, term_count from chunks order by chunk_id`)),
      );
    // As indexed before keyword windows: each chunk's own text only, the statistics counted from that.
    const unwindow = (tenantId: string, documentId: string) =>
      t.container.database.scoped({ tenantId }, async (tx) => {
        const [d] = rows<{ v: string }>(
          await tx.execute(sql`select active_version_id as v from documents where id = ${documentId}`),
        );
        const v = d?.v as string;
        await t.container.repos.documents.countInKeywordStats(v, -1, tx);
        await tx.execute(sql`update chunks set tsv = to_tsvector(ts_config::regconfig, heading_path || ' ' || text)
                              where version_id = ${v}`);
        await tx.execute(sql`update chunks set term_count = atrium_tsvector_terms(tsv) where version_id = ${v}`);
        await t.container.repos.documents.countInKeywordStats(v, 1, tx);
      });
    const windowed = { mine: await indexed(tenant.id), theirs: await indexed(other.id) };
    await unwindow(tenant.id, doc.id);
    await unwindow(other.id, theirs.id);
    const before = await indexed(tenant.id);
    expect(before.map((c) => c.chunk_id)).toEqual(windowed.mine.map((c) => c.chunk_id));
    expect(before).not.toEqual(windowed.mine);
    expect((await search(tenant.id, "axolotl")).some((h) => h.text.includes("Feathery gills"))).toBe(false);
    expect((await statistics(tenant.id)).kept).toEqual((await statistics(tenant.id)).actual);

    // A member may not; an unknown tenant is not found; a tenant admin must name the tenant.
    const member = await t.createUser(owner, "reindex-member@example.com");
    await t.addMember(owner, tenant.id, "reindex-member@example.com", "member");
    const post = (auth: Auth, payload: object) =>
      t.app.inject({ method: "POST", url: "/api/v1/documents/reindex", headers: auth, payload });
    expect((await post(member, { tenantId: tenant.id })).json().error.code).toBe("auth.forbidden");
    expect((await post(member, {})).statusCode).toBe(403);
    expect((await post(owner, { tenantId: crypto.randomUUID() })).statusCode).toBe(404);
    expect((await post(owner, { tenantId: "nope" })).json().error.code).toBe("request.invalid");

    const res = await post(owner, { tenantId: tenant.id });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ tenants: 1, documents: 1 });
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await until(async () => JSON.stringify(await indexed(tenant.id)) === JSON.stringify(windowed.mine));
    expect(await indexed(tenant.id)).toEqual(windowed.mine);
    const s = await statistics(tenant.id);
    expect(s.kept).toEqual(s.actual);
    expect((await search(tenant.id, "axolotl")).some((h) => h.text.includes("Feathery gills"))).toBe(true);
    // The other tenant was not asked for.
    expect(await indexed(other.id)).not.toEqual(windowed.theirs);

    // Every tenant (instance admin); the first tenant's document, already up to date, is left as it is.
    const all = await post(owner, {});
    expect(all.statusCode).toBe(202);
    expect(all.json().documents).toBeGreaterThanOrEqual(2);
    await until(async () => JSON.stringify(await indexed(other.id)) === JSON.stringify(windowed.theirs));
    expect(await indexed(other.id)).toEqual(windowed.theirs);
    expect(await indexed(tenant.id)).toEqual(windowed.mine);
    const o = await statistics(other.id);
    expect(o.kept).toEqual(o.actual);
    // Idempotent: the handler run again changes nothing.
    expect(await t.container.jobs.reindex({ data: { documentId: doc.id } })).toEqual({ changed: 0 });
  });

  it("counts each tenant's chunks only in its own statistics, which other tenants cannot read", async () => {
    const mine = await t.createTenant(owner, "Mine");
    const theirs = await t.createTenant(owner, "Theirs");
    await ready(mine.id, "mine.md", "# Mine\n\nThe lighthouse keeper logs the weather.");
    for (let i = 0; i < 3; i++) {
      await ready(theirs.id, `theirs-${i}.md`, `# Theirs ${i}\n\nThe lighthouse number ${i} was painted red.`);
    }
    const m = await statistics(mine.id);
    const o = await statistics(theirs.id);
    expect(m.kept).toEqual(m.actual);
    expect(o.kept).toEqual(o.actual);
    expect(m.kept.terms.lighthous).toBe(1);
    expect(o.kept.terms.lighthous).toBe(3);
    expect(m.kept.terms.paint).toBeUndefined();
    // Row-level security: a transaction scoped to one tenant sees that tenant's rows only.
    const seen = await t.container.database.scoped({ tenantId: mine.id }, async (tx) =>
      rows<{ tenant_id: string }>(await tx.execute(sql`select distinct tenant_id from keyword_terms`)),
    );
    expect(seen.map((r) => r.tenant_id)).toEqual([mine.id]);
    expect(await search(mine.id, "painted")).toEqual([]);
  });

  it("leaves out the chunks of a version that is not active yet, in both candidate lists", async () => {
    const tenant = await t.createTenant(owner, "Versions");
    const doc = await ready(tenant.id, "v.md", "# Ferries\n\nThe ferry to the island leaves at dawn.");
    const { database, repos } = t.container;
    const [embedding] = await fakeEmbedder(512).embed(["The ferry to the island leaves at dawn."]);
    // A re-index in progress: the new version's chunks are written before the switch.
    const pending = crypto.randomUUID();
    await database.scoped({ tenantId: tenant.id }, async (tx) => {
      await repos.documents.insertVersion(
        {
          id: pending,
          documentId: doc.id,
          tenantId: tenant.id,
          version: 2,
          filename: "v.md",
          type: "markdown",
          size: 1,
          sha256: "pending",
          storageKey: `test/${pending}`,
        },
        tx,
      );
      await repos.documents.upsertChunks(
        [
          {
            versionId: pending,
            chunkId: "pending-ferry",
            documentId: doc.id,
            tenantId: tenant.id,
            ordinal: 0,
            text: "The ferry to the island leaves at dawn.",
            headingPath: "Ferries",
            tokenCount: 9,
            embedding: Array.from(embedding as Float32Array),
            tsConfig: "english",
          },
        ],
        tx,
      );
    });
    const found = await database.scoped({ tenantId: tenant.id }, async (tx) => ({
      vector: await repos.retrieval.vectorCandidates(embedding as Float32Array, { tenantId: tenant.id }, 50, tx),
      keyword: await repos.retrieval.keywordCandidates(
        { query: "ferry island", tsConfig: "english" },
        { tenantId: tenant.id },
        50,
        tx,
      ),
    }));
    for (const list of [found.vector, found.keyword]) {
      expect(list.length).toBeGreaterThan(0);
      expect(list.map((c) => c.chunkId)).not.toContain("pending-ferry");
      expect(list.every((c) => c.documentId === doc.id && c.documentTitle.length > 0)).toBe(true);
    }
  });

  it("takes the candidates with the best rough score and ranks them by exact BM25, as computed here", async () => {
    const tenant = await t.createTenant(owner, "Scoring");
    // "zeppelin" in one chunk, "airship" in three, "harbour" in six: one rare word outweighs two
    // common ones, so counting the words held would pick other candidates than their idf does.
    const texts = [
      "A zeppelin over the bay.",
      "An airship over the harbour.",
      "An airship left the harbour at dawn.",
      "An airship above the harbour wall.",
      "The harbour at dusk.",
      "The harbour in the rain.",
      "The harbour is quiet.",
      "Nothing about flying here.",
    ];
    for (const [i, text] of texts.entries()) await ready(tenant.id, `s${i}.md`, `# Note ${i}\n\n${text}`);
    const { database, repos } = t.container;
    const query = "zeppelin airship harbour";
    const limit = 2;
    await database.scoped({ tenantId: tenant.id }, async (tx) => {
      const found = await repos.retrieval.keywordCandidates(
        { query, tsConfig: "english" },
        { tenantId: tenant.id },
        limit,
        tx,
      );
      // The reference: statistics and term frequencies read back, BM25 computed in JavaScript.
      const [stats] = rows<{ n: number; total: string }>(
        await tx.execute(sql`select chunk_count as n, term_count as total from keyword_stats`),
      );
      const df = new Map(
        rows<{ lexeme: string; n: number }>(
          await tx.execute(sql`select lexeme, chunk_count as n from keyword_terms`),
        ).map((r) => [r.lexeme, r.n]),
      );
      const lexemes = rows<{ lexeme: string }>(
        await tx.execute(
          sql`select distinct lexeme from unnest(tsvector_to_array(to_tsvector('english', ${query}))) as lexeme`,
        ),
      ).map((r) => r.lexeme);
      const chunks = rows<{ chunk_id: string; term_count: number; tf: Record<string, number> }>(
        await tx.execute(sql`
          select c.chunk_id, c.term_count,
                 (select json_object_agg(lexeme, coalesce(cardinality(positions), 1)) from unnest(c.tsv)) as tf
            from chunks c join documents d on d.active_version_id = c.version_id`),
      );
      const n = Number(stats?.n);
      const avg = Number(stats?.total) / n;
      const { k1, b } = BM25;
      const weighed = chunks.map((c) => {
        const norm = k1 * (1 - b + (b * c.term_count) / avg);
        const held = lexemes.filter((l) => c.tf[l] !== undefined);
        return {
          chunkId: c.chunk_id,
          rough: held.reduce((s, l) => s + idf(df.get(l) ?? 0, n), 0) / (1 + norm),
          score: held.reduce((s, l) => {
            const tf = c.tf[l] as number;
            return s + (idf(df.get(l) ?? 0, n) * tf * (k1 + 1)) / (tf + norm);
          }, 0),
        };
      });
      const expected = weighed
        .filter((c) => c.rough > 0)
        .sort((x, y) => y.rough - x.rough)
        .slice(0, limit)
        .sort((x, y) => y.score - x.score);
      // More chunks match than the limit: the rough score chooses which get the exact one.
      expect(weighed.filter((c) => c.rough > 0).length).toBeGreaterThan(limit);
      expect(found.map((c) => c.chunkId)).toEqual(expected.map((c) => c.chunkId));
      found.forEach((c, i) => {
        expect(c.score).toBeCloseTo(expected[i]?.score as number, 9);
      });
    });
  });

  it("the app role can refresh the search tables' planner statistics (PGlite has no autovacuum)", async () => {
    const tenant = await t.createTenant(owner, "Planner");
    await ready(tenant.id, "p.md", "# Planner\n\nStatistics help the planner pick the index.");
    const { database } = t.container;
    await database.scoped({ bypass: true }, (tx) => tx.execute(sql`select atrium_analyze_search()`));
    const [counted] = await database.scoped({ bypass: true }, async (tx) =>
      rows<{ reltuples: number; actual: number }>(
        await tx.execute(
          sql`select (select reltuples from pg_class where relname = 'chunks')::int as reltuples,
                     (select count(*) from chunks)::int as actual`,
        ),
      ),
    );
    expect(counted?.actual).toBeGreaterThan(0);
    expect(counted?.reltuples).toBe(counted?.actual);
  });
});
