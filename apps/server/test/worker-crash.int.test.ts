import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/infra/db/database";
import { chunks } from "../src/infra/db/schema";
import { fakeEmbedder } from "../src/infra/embeddings";
import { keywordWindows } from "../src/modules/documents/keyword-window";
import { chunkDocument, parseDocument } from "../src/modules/documents/parsing";
import { createFreshPostgresDatabase } from "./backends";
import { upload } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

const SERVER_DIR = resolve(import.meta.dirname, "..");

/** A long document: enough chunks that ingestion with the local model takes several seconds. */
function bigDocument(sections: number): string {
  const out = ["# Operations manual"];
  for (let i = 1; i <= sections; i++) {
    out.push(
      `## Procedure ${i}`,
      `Step ${i} of the procedure checks valve ${i} and records pressure reading number ${i * 7} in the log book.`,
    );
  }
  return out.join("\n\n");
}

function startWorker(env: Record<string, string>): ChildProcess {
  // Its own process group, so SIGKILL reaches tsx and the node process under it.
  return spawn("npx", ["tsx", "src/main.ts", "--role=worker"], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    detached: true,
    stdio: "ignore",
  });
}
const killGroup = (p: ChildProcess | undefined, signal: NodeJS.Signals) => {
  if (p?.pid) {
    try {
      process.kill(-p.pid, signal);
    } catch {
      // already gone
    }
  }
};

describe.runIf(process.env.TEST_DATABASE_URL)("a worker killed in the middle of ingesting (postgres)", () => {
  let t: TestApp | undefined;
  let worker: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "atrium-crash-"));
  afterAll(async () => {
    killGroup(worker, "SIGKILL");
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses nothing and duplicates nothing: the job is retried and the chunk upsert is idempotent", async () => {
    const fresh = await createFreshPostgresDatabase();
    const config = {
      DATABASE_URL: fresh.url,
      ATRIUM_DATA_DIR: dataDir,
      JOB_HEARTBEAT_SECONDS: 10,
      JOB_SUPERVISE_SECONDS: 2,
    };
    t = await startTestApp(
      {
        name: "postgres",
        open: async () => ({ database: await openDatabase({ databaseUrl: fresh.url, dataDir: "" }), drop: fresh.drop }),
      },
      config,
      { embedder: fakeEmbedder(512) },
      { maintain: true },
    );
    const owner = await t.setupOwner();
    const tenant = await t.createTenant(owner, "Plant");
    const content = bigDocument(250);
    const expected = chunkDocument(await parseDocument(Buffer.from(content), "markdown"), {
      maxTokens: 100,
      overlapTokens: 20,
    });
    const doc = (await upload(t, owner, tenant.id, "manual.md", content)).json();
    expect(doc.status).toBe("queued");

    const env = {
      DATABASE_URL: fresh.url,
      ATRIUM_DATA_DIR: dataDir,
      JOB_HEARTBEAT_SECONDS: "10",
      JOB_SUPERVISE_SECONDS: "2",
    };
    const get = async () => (await t?.app.inject({ url: `/api/v1/documents/${doc.id}`, headers: owner }))?.json();
    const until = async (pred: (d: { status: string; progress: number }) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const d = await get();
        if (pred(d)) return d;
        if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    worker = startWorker(env);
    const mid = await until((d) => d.status === "processing" && d.progress >= 25, 120_000);
    killGroup(worker, "SIGKILL");
    expect(mid.progress).toBeLessThan(100);

    worker = startWorker(env);
    const final = await until((d) => d.status === "ready" || d.status === "failed", 150_000);
    killGroup(worker, "SIGTERM");
    expect(final.status).toBe("ready");
    expect(final.chunkCount).toBe(expected.length);
    const rows = await t.container.database.scoped({ bypass: true }, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int`, d: sql<number>`count(distinct ${chunks.chunkId})::int` })
        .from(chunks)
        .where(eq(chunks.documentId, doc.id)),
    );
    expect(rows[0]).toEqual({ n: expected.length, d: expected.length });
    // Every expected passage is there, none missing, none extra.
    const ids = await t.container.database.scoped({ bypass: true }, (tx) =>
      tx.select({ id: chunks.chunkId }).from(chunks).where(eq(chunks.documentId, doc.id)),
    );
    expect(new Set(ids.map((r) => r.id))).toEqual(new Set(expected.map((c) => c.id)));
    // Chunks written before and after the crash are indexed for keywords alike: by their window.
    const windows = keywordWindows(expected);
    const stale = await t.container.database.scoped({ bypass: true }, async (tx) => {
      let n = 0;
      for (const [i, c] of expected.entries()) {
        const [row] = await tx
          .select({
            same: sql<boolean>`${chunks.tsv} = to_tsvector('english', ${c.headingPath.join(" > ")} || ' ' || ${windows[i]})`,
          })
          .from(chunks)
          .where(eq(chunks.chunkId, c.id));
        if (!row?.same) n++;
      }
      return n;
    });
    expect(stale).toBe(0);
  }, 300_000);
});
