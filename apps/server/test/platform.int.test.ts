import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/infra/db/database";
import { users } from "../src/infra/db/schema";
import { backends, createFreshPostgresDatabase } from "./backends";
import { startTestApp, type TestApp } from "./harness";

describe.each(backends)("platform endpoints on $name", (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t?.close());

  it("health and readiness", async () => {
    expect((await t.app.inject("/api/v1/health")).json()).toMatchObject({ status: "ok" });
    expect((await t.app.inject("/api/v1/ready")).json()).toEqual({
      status: "ready",
      database: backend.name,
      checks: { database: true, migrations: true },
    });
  });

  it("publishes an OpenAPI 3 spec in which every operation declares its responses", async () => {
    const res = await t.app.inject("/api/v1/openapi.json");
    expect(res.statusCode).toBe(200);
    const spec = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    expect(spec.openapi).toMatch(/^3\./);
    for (const p of ["/api/v1/auth/token", "/api/v1/tenants/{id}/members", "/api/v1/api-keys", "/api/v1/users/me"]) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses ?? {}).filter((c) => c.startsWith("2"));
        expect(codes.length, `${method.toUpperCase()} ${path} has no success response schema`).toBeGreaterThan(0);
      }
    }
    const docs = await t.app.inject("/api/v1/docs/");
    expect(docs.statusCode).toBe(200);
    expect(docs.body.toLowerCase()).toContain("swagger");
  });

  it("tags every answer with a request id", async () => {
    const res = await t.app.inject({ url: "/api/v1/health", headers: { "x-request-id": "trace-123" } });
    expect(res.headers["x-request-id"]).toBe("trace-123");
  });
});

describe("embedded data directory", () => {
  it("keeps data across restarts and refuses a second process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atrium-data-"));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.scoped({ bypass: true }, (tx) =>
        tx.insert(users).values({ email: "keep@example.com", name: "K", passwordHash: "x", role: "owner" }),
      );
      await first.close();
      const second = await openDatabase({ dataDir: dir });
      const rows = await second.scoped({ bypass: true }, (tx) => tx.select().from(users));
      expect(rows.map((r) => r.email)).toEqual(["keep@example.com"]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sizes its page cache to the database on disk at each start (auto)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atrium-cache-"));
    const shown = async (db: Database) => String((await db.runner.query("show shared_buffers"))[0]?.shared_buffers);
    try {
      const fresh = await openDatabase({ dataDir: dir, sharedBuffers: "auto" });
      expect(fresh.pageCache).toBe("64MB");
      expect(await shown(fresh)).toBe("64MB");
      await fresh.close();
      // The database has grown to ~230 MB (a sparse file PostgreSQL ignores stands in for tables).
      const padding = join(dir, "pgdata", "base", "atrium-test-padding");
      writeFileSync(padding, "");
      truncateSync(padding, 200 * 2 ** 20);
      const grown = await openDatabase({ dataDir: dir, sharedBuffers: "auto" });
      const mb = Number.parseInt(grown.pageCache ?? "", 10);
      expect(mb).toBeGreaterThanOrEqual(208);
      expect(mb).toBeLessThanOrEqual(512);
      expect(await shown(grown)).toBe(grown.pageCache);
      await grown.close();
      // A size given is taken as it is.
      const fixed = await openDatabase({ dataDir: dir, sharedBuffers: "96MB" });
      expect(await shown(fixed)).toBe("96MB");
      await fixed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to open a data directory another live process holds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atrium-lock-"));
    try {
      // The parent process is alive and is not us: it stands in for a second Atrium.
      writeFileSync(join(dir, "atrium.lock"), String(process.ppid));
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by another Atrium process/);
      // A stale lock (dead pid) is taken over.
      writeFileSync(join(dir, "atrium.lock"), "999999");
      const db = await openDatabase({ dataDir: dir });
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("migrations on postgres", () => {
  it("two processes starting at once apply each migration exactly once", async () => {
    const fresh = await createFreshPostgresDatabase();
    try {
      const [x, y] = await Promise.all([
        openDatabase({ databaseUrl: fresh.url, dataDir: "" }),
        openDatabase({ databaseUrl: fresh.url, dataDir: "" }),
      ]);
      const rows = await x.runner.query(
        "select count(*)::int as n, count(distinct hash)::int as d from atrium_migrations",
      );
      expect(rows[0]).toMatchObject({ n: expect.any(Number) });
      expect(rows[0]?.n).toBe(rows[0]?.d);
      expect(await x.isMigrated()).toBe(true);
      expect(await y.isMigrated()).toBe(true);
      await Promise.all([x.close(), y.close()]);
    } finally {
      await fresh.drop();
    }
  });
});
