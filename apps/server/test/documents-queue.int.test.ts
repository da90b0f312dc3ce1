import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Embedder, fakeEmbedder } from "../src/infra/embeddings";
import { backends } from "./backends";
import { multipart, upload, waitForDocument } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

/**
 * An embedder whose calls can be held back: texts containing a held word wait until released,
 * and every call can be slowed, so tests can look at the system in the middle of ingestion.
 */
function controllableEmbedder() {
  const inner = fakeEmbedder(512);
  const held = new Map<string, { promise: Promise<void>; release: () => void }>();
  let delayMs = 0;
  const embedder: Embedder = {
    id: "fake",
    model: "fake",
    dimensions: 512,
    maxInputTokens: 128,
    async embed(texts, opts) {
      for (const [word, gate] of held) if (texts.some((t) => t.includes(word))) await gate.promise;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return inner.embed(texts, opts);
    },
    close: () => inner.close(),
  };
  return {
    embedder,
    hold(word: string) {
      let release = () => {};
      const promise = new Promise<void>((r) => {
        release = r;
      });
      held.set(word, { promise, release });
    },
    release(word: string) {
      held.get(word)?.release();
      held.delete(word);
    },
    slow(ms: number) {
      delayMs = ms;
    },
  };
}

describe.each(backends)("ingestion queue on $name", (backend) => {
  let t: TestApp;
  let owner: { authorization: string };
  const control = controllableEmbedder();

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { embedder: control.embedder }, { jobs: true });
    owner = await t.setupOwner();
  });
  afterAll(async () => {
    control.release("eleven");
    control.slow(0);
    await t?.close();
  });

  // Hybrid search reads its two candidate lists at once on PostgreSQL (two connections, one snapshot).
  it("a question asked mid-reindex sees the old version, never a mix or nothing", async () => {
    const tenant = await t.createTenant(owner, "Reindex Dept");
    const v1 =
      "# Canteen\n\n## Hours\n\nThe canteen opens at noon on weekdays.\n\n## Menu\n\nSoup and salad every day.";
    const doc = (await upload(t, owner, tenant.id, "canteen.md", v1)).json();
    await waitForDocument(t, owner, doc.id);
    const search = async (mode: "keyword" | "hybrid") =>
      (
        (
          await t.app.inject({
            url: `/api/v1/search?tenantId=${tenant.id}&q=canteen+opens+soup&mode=${mode}&k=10`,
            headers: owner,
          })
        ).json().items as { text: string }[]
      )
        .map((p) => p.text)
        .join(" | ");

    control.hold("eleven");
    const v2 = v1.replace("at noon", "at eleven").replace("Soup and salad", "Pasta and fish");
    const body = multipart({}, { name: "canteen.md", content: v2 });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/documents/${doc.id}/versions`,
      headers: { ...owner, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(202);
    // Wait until the new version is mid-way: some of its chunks stored, the held one not yet.
    for (let i = 0; i < 100; i++) {
      const d = (await t.app.inject({ url: `/api/v1/documents/${doc.id}`, headers: owner })).json();
      if (d.status === "processing" && d.progress > 10) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const during of [await search("keyword"), await search("hybrid")]) {
      expect(during).toContain("opens at noon");
      expect(during).toContain("Soup and salad");
      expect(during).not.toContain("Pasta");
      expect(during).not.toContain("eleven");
    }

    control.release("eleven");
    const ready = await waitForDocument(t, owner, doc.id);
    expect(ready).toMatchObject({ status: "ready", version: 2 });
    for (const after of [await search("keyword"), await search("hybrid")]) {
      expect(after).toContain("eleven");
      expect(after).toContain("Pasta");
      expect(after).not.toContain("noon");
      expect(after).not.toContain("Soup");
    }
  });

  it("one tenant's backlog does not starve another tenant's single file", async () => {
    const busy = await t.createTenant(owner, "Busy Dept");
    const quiet = await t.createTenant(owner, "Quiet Dept");
    // Each report takes two embedding calls of 300 ms: without per-tenant fairness the twelve
    // reports would hold both worker slots for about four seconds before the memo got one.
    control.slow(300);
    const backlog: string[] = [];
    for (let i = 0; i < 12; i++) {
      const text = `# Report ${i}\n\n${Array.from({ length: 40 }, (_, j) => `## Part ${j}\n\nFinding ${i}-${j} about topic ${j * 3 + i}.`).join("\n\n")}`;
      backlog.push((await upload(t, owner, busy.id, `report-${i}.md`, text)).json().id);
    }
    const single = (await upload(t, owner, quiet.id, "memo.md", "# Memo\n\nThe quiet department's only memo.")).json()
      .id;
    const memo = await waitForDocument(t, owner, single, 60_000);
    expect(memo.status).toBe("ready");
    const states = await Promise.all(
      backlog.map(
        async (id) => (await t.app.inject({ url: `/api/v1/documents/${id}`, headers: owner })).json().status as string,
      ),
    );
    // The memo finished while most of the other tenant's backlog was still waiting.
    expect(states.filter((s) => s !== "ready").length).toBeGreaterThanOrEqual(6);
    control.slow(0);
    for (const id of backlog) expect((await waitForDocument(t, owner, id, 60_000)).status).toBe("ready");
  });
});

describe.each(backends)("encrypted PDFs on $name", (backend) => {
  // ../shared beside the checkout holds the public eval files; absent in a user's clone.
  const pdf = resolve(
    import.meta.dirname,
    "../../../../shared/evals/rag/documents/pdf/libreoffice-writer-password.pdf",
  );
  let t: TestApp;
  afterAll(() => t?.close());

  it.skipIf(!existsSync(pdf))("fail with a clear reason, then unlock with the password as a new version", async () => {
    t = await startTestApp(backend, {}, { embedder: fakeEmbedder(512) }, { jobs: true });
    const owner = await t.setupOwner();
    const tenant = await t.createTenant(owner, "Secret Dept");
    const content = readFileSync(pdf);
    const doc = (await upload(t, owner, tenant.id, "locked.pdf", content)).json();
    const failed = await waitForDocument(t, owner, doc.id);
    expect(failed).toMatchObject({ status: "failed", errorCode: "document.encrypted" });
    const body = multipart({ password: "openpassword" }, { name: "locked.pdf", content });
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/documents/${doc.id}/versions`,
      headers: { ...owner, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(202);
    const ready = await waitForDocument(t, owner, doc.id);
    expect(ready).toMatchObject({ status: "ready", version: 2 });
    expect(ready.chunkCount).toBeGreaterThan(0);
  });
});
