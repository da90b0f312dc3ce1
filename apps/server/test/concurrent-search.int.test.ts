import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DB, rowsOf } from "../src/infra/db/database";
import { fakeEmbedder } from "../src/infra/embeddings";
import { createDocumentsService } from "../src/modules/documents/documents.service";
import { createTenantAccess } from "../src/modules/tenants/tenant-access";
import type { Actor } from "../src/plugins/auth";
import { backends } from "./backends";
import { HANDBOOK, upload, waitForDocument } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

const postgres = backends.filter((b) => b.name === "postgres");

/** What a transaction sees of itself: its connection, settings and snapshot. */
async function whoAmI(tx: DB) {
  const [row] = rowsOf<Record<string, string>>(
    await tx.execute(sql`select pg_backend_pid()::text as pid, current_setting('app.tenant_id') as tenant,
                                current_setting('transaction_isolation') as isolation,
                                current_setting('transaction_read_only') as read_only,
                                pg_current_snapshot()::text as snapshot`),
  );
  return row as Record<string, string>;
}

describe.each(postgres)("hybrid search's two candidate queries at once on $name", (backend) => {
  let t: TestApp;
  let owner: { authorization: string };
  let actor: Actor;
  let tenantId: string;
  /** A superuser connection to the test database: commits of its own, and a view of every session. */
  let admin: pg.Client;

  beforeAll(async () => {
    t = await startTestApp(backend, {}, { embedder: fakeEmbedder(512) }, { jobs: true });
    owner = await t.setupOwner();
    actor = await t.container.services.auth.authenticate(owner.authorization.slice("Bearer ".length));
    tenantId = (await t.createTenant(owner, "Concurrent search")).id;
    const files = {
      "handbook.md": HANDBOOK,
      "travel.md": "# Travel\n\nBook flights through the travel desk. Trains are fine for short trips.",
      "security.md": "# Security\n\nA lost laptop or badge goes to the security office. Encryption is required.",
    };
    for (const [name, text] of Object.entries(files)) {
      await waitForDocument(t, owner, (await upload(t, owner, tenantId, name, text)).json().id);
    }
    admin = new pg.Client({ connectionString: t.container.database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const concurrently = () => t.container.database.scopedConcurrently as NonNullable<Database["scopedConcurrently"]>;
  const idleInTransaction = async () =>
    Number(
      (
        await admin.query(
          `select count(*) as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
        )
      ).rows[0].n,
    );

  it("runs them on two connections of the tenant, in read-only transactions on one snapshot", async () => {
    // Other sessions keep committing meanwhile: two snapshots taken apart would differ.
    let churning = true;
    const churn = (async () => {
      while (churning) await admin.query("select pg_current_xact_id()");
    })();
    try {
      for (let i = 0; i < 20; i++) {
        const [a, b] = await concurrently()({ tenantId }, whoAmI, whoAmI);
        expect(a.pid).not.toBe(b.pid);
        expect(a.snapshot).toBe(b.snapshot);
        for (const seen of [a, b]) {
          expect(seen).toMatchObject({ tenant: tenantId, isolation: "repeatable read", read_only: "on" });
        }
      }
    } finally {
      churning = false;
      await churn;
    }
  });

  it("neither query sees a change committed while they run", async () => {
    const searchable = async (tx: DB) =>
      Number(
        rowsOf<{ n: number }>(await tx.execute(sql`select count(active_version_id)::int as n from documents`))[0]?.n,
      );
    const [before, after] = await concurrently()({ tenantId }, searchable, async (tx) => {
      await admin.query(`update documents set active_version_id = null where tenant_id = $1`, [tenantId]);
      try {
        return await searchable(tx);
      } finally {
        await admin.query(`update documents set active_version_id = latest_version_id where tenant_id = $1`, [
          tenantId,
        ]);
      }
    });
    expect(before).toBe(3);
    expect(after).toBe(3);
  });

  it("returns the same passages as the two queries one after the other", async () => {
    const { container } = t;
    const service = (database: Parameters<typeof createDocumentsService>[0]["database"]) =>
      createDocumentsService({
        database,
        documents: container.repos.documents,
        retrieval: container.repos.retrieval,
        tenants: container.repos.tenants,
        storage: container.storage,
        queue: container.queue,
        embedder: fakeEmbedder(512),
        secrets: undefined as never,
        events: container.documentEvents,
        audit: container.repos.audit,
        requireTenantRole: createTenantAccess(container.repos.tenants),
        maxUploadBytes: container.config.UPLOAD_MAX_BYTES,
      });
    let calls = 0;
    const concurrent = service({
      scoped: container.database.scoped,
      scopedConcurrently: (...args) => {
        calls++;
        return concurrently()(...args);
      },
    });
    const sequential = service({ scoped: container.database.scoped });
    for (const q of ["travel desk flights", "lost badge security office", "holiday days carried over", "encryption"]) {
      const search = { tenantId, q, k: 5, mode: "hybrid" as const };
      const expected = await sequential.search(actor, search);
      expect(expected.items.length).toBeGreaterThan(0);
      expect((await concurrent.search(actor, search)).items).toEqual(expected.items);
    }
    expect(calls).toBe(4);
  });

  it("rolls the other transaction back and releases both connections when one query fails", async () => {
    const slowRead = async (tx: DB) => {
      await new Promise((r) => setTimeout(r, 50));
      return whoAmI(tx);
    };
    // More failures than the pool has connections: a leaked one would make the later calls wait forever.
    for (let i = 0; i < 6; i++) {
      await expect(
        concurrently()(
          { tenantId },
          async () => {
            throw new Error("keyword query failed");
          },
          slowRead,
        ),
      ).rejects.toThrow("keyword query failed");
      await expect(concurrently()({ tenantId }, slowRead, (tx) => tx.execute(sql`select 1/0`))).rejects.toThrow(
        "Failed query: select 1/0",
      );
    }
    expect(await idleInTransaction()).toBe(0);
    const [a, b] = await concurrently()({ tenantId }, whoAmI, whoAmI);
    expect(a.pid).not.toBe(b.pid);
  });

  it("runs both on one connection when the pool has not two free (no waiting while holding one)", async () => {
    // The test pool has 5 connections: hold 4.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const holders = Array.from({ length: 4 }, () => t.container.database.scoped({ tenantId }, () => held));
    await new Promise((r) => setTimeout(r, 50));
    try {
      const [a, b] = await concurrently()({ tenantId }, whoAmI, whoAmI);
      expect(a.pid).toBe(b.pid);
      expect(a.tenant).toBe(tenantId);
    } finally {
      release();
      await Promise.all(holders);
    }
  });
});
