/**
 * The server side of bench/chat-overhead.ts, run as a child process (so the load generator does not
 * share the server's event loop, and the RSS reported is the server's alone). Builds the real app
 * (apps/server/src, or a scratch copy given by BENCH_SERVER_SRC) with an instant fake model, on the
 * embedded database or on a fresh PostgreSQL database, listens on 127.0.0.1:<random port>, creates an
 * owner, a tenant and member users, and then answers the parent's requests over IPC.
 *
 * Not meant to be started by hand: `npx tsx bench/chat-overhead.ts` forks it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { InjectOptions } from "fastify";
import pg from "pg";
import { createFreshPostgresDatabase } from "./lib";

type AppModule = typeof import("../apps/server/src/app");
type ConfigModule = typeof import("../apps/server/src/config/config");
type ContainerModule = typeof import("../apps/server/src/container");
type DatabaseModule = typeof import("../apps/server/src/infra/db/database");
type FakeModule = typeof import("../apps/server/src/infra/llm/fake.provider");
type PasswordsModule = typeof import("../apps/server/src/infra/passwords");

export interface ServerReady {
  type: "ready";
  port: number;
  backend: string;
  tenantId: string;
  assistantId: string;
  users: { id: string; token: string }[];
  setupMs: number;
}

export type ServerRequest =
  | { id: number; cmd: "chats"; users: number[] }
  | { id: number; cmd: "stats"; reset?: boolean }
  | { id: number; cmd: "queries"; reset?: boolean }
  | { id: number; cmd: "shutdown" };

export interface ServerStats {
  rss: number;
  heapUsed: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Cumulative event loop idle/active time (ms), for utilisation between two samples. */
  eluIdle: number;
  eluActive: number;
  /** Event loop delay since the last reset, in ms. */
  loopDelay: { p50: number; p99: number; max: number };
}

export interface QueryCounts {
  transactions: number;
  statements: number;
  /** PostgreSQL only: queries sent to the server (BEGIN and COMMIT included; 0 on the embedded database). */
  roundTrips: number;
  /** Statements by verb and first table, e.g. `select chats`. */
  byKind: Record<string, number>;
  /** Time awaiting each kind of statement (PGlite only: statements inside transactions are timed one by one). */
  msByKind?: Record<string, number>;
  /** One full SQL text per kind, to see what a kind is. */
  samples?: Record<string, string>;
  /** Time spent awaiting the database in these calls (overlapping calls add up). */
  dbMs: number;
}

const SRC = resolve(process.env.BENCH_SERVER_SRC ?? join(import.meta.dirname, "../apps/server/src"));
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(join(SRC, rel)).href) as Promise<T>;

const send = (msg: unknown) => process.send?.(msg);

/** Query tracing (--trace-queries): counts transactions and statements the app runs. */
const counts: QueryCounts = {
  transactions: 0,
  statements: 0,
  roundTrips: 0,
  byKind: {},
  msByKind: {},
  samples: {},
  dbMs: 0,
};
function countStatement(text: string): string {
  let sql = text.trim().toLowerCase();
  // BEGIN sent together with the scope settings (one round trip on PostgreSQL).
  if (sql.startsWith("begin;")) {
    counts.transactions++;
    sql = sql.slice("begin;".length).trim();
  }
  if (sql === "begin" || sql === "commit" || sql === "rollback") {
    if (sql === "begin") counts.transactions++;
    return sql;
  }
  counts.statements++;
  let kind: string;
  if (sql.startsWith("select set_config")) kind = "set_config (scope)";
  else {
    const verb = /^(select|insert|update|delete|with)/.exec(sql)?.[1] ?? sql.slice(0, 12);
    const table =
      verb === "select"
        ? /\bfrom\s+"(\w+)"/.exec(sql)?.[1]
        : /^(?:insert into|update|delete from)\s+"(\w+)"/.exec(sql)?.[1];
    kind = `${verb} ${table ?? "?"}`;
  }
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  if (counts.samples && !counts.samples[kind]) counts.samples[kind] = text;
  return kind;
}
/** Adds the time a statement of `kind` took to `msByKind`. */
async function timedKind<T>(kind: string, p: Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await p;
  } finally {
    if (counts.msByKind) counts.msByKind[kind] = (counts.msByKind[kind] ?? 0) + performance.now() - t;
  }
}
async function timed<T>(p: Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await p;
  } finally {
    counts.dbMs += performance.now() - t;
  }
}

function tracePostgres() {
  // Pooled connections are pg.Client instances: BEGIN/COMMIT are statements on the wire here.
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const first = a[0];
    const text = typeof first === "string" ? first : ((first as { text?: string })?.text ?? "");
    counts.roundTrips++;
    countStatement(text);
    const out = original.apply(this, a);
    return out instanceof Promise ? timed(out) : out;
  };
}

type PgliteLike = {
  query: (...a: unknown[]) => Promise<unknown>;
  exec: (...a: unknown[]) => Promise<unknown>;
  transaction: (cb: (tx: unknown) => Promise<unknown>) => Promise<unknown>;
};
function tracePglite(pglite: PgliteLike) {
  const q = pglite.query.bind(pglite);
  const e = pglite.exec.bind(pglite);
  const t = pglite.transaction.bind(pglite);
  pglite.query = (...a) => {
    const kind = countStatement(String(a[0]));
    return timed(timedKind(kind, q(...a)));
  };
  pglite.exec = (...a) => {
    countStatement(String(a[0]));
    return timed(e(...a));
  };
  // PGlite runs BEGIN/COMMIT itself: count the transaction here.
  pglite.transaction = (cb) => {
    counts.transactions++;
    return timed(
      t((tx) => {
        const inner = tx as PgliteLike;
        const iq = inner.query.bind(inner);
        inner.query = (...a) => timedKind(countStatement(String(a[0])), iq(...a));
        return cb(inner);
      }),
    );
  };
}

async function main() {
  const started = performance.now();
  const backend = process.env.BENCH_BACKEND ?? "embedded";
  const traceQueries = process.env.BENCH_TRACE_QUERIES === "1";
  const nUsers = Number(process.env.BENCH_USERS ?? 10);

  const { buildApp } = await load<AppModule>("app.ts");
  const { testConfig } = await load<ConfigModule>("config/config.ts");
  const { buildContainer } = await load<ContainerModule>("container.ts");
  const { openDatabase } = await load<DatabaseModule>("infra/db/database.ts");
  const { createFakeProvider } = await load<FakeModule>("infra/llm/fake.provider.ts");
  const { createArgon2Hasher } = await load<PasswordsModule>("infra/passwords.ts");

  const dataDir = mkdtempSync(join(tmpdir(), "atrium-bench-"));
  const config = testConfig({
    ATRIUM_DATA_DIR: dataDir,
    ACCESS_TOKEN_TTL_SECONDS: 86_400,
    LOGIN_IP_PER_MINUTE: 10_000,
    ...(process.env.BENCH_POOL ? { DATABASE_POOL_SIZE: Number(process.env.BENCH_POOL) } : {}),
  });

  let drop = async () => {};
  let database: Awaited<ReturnType<DatabaseModule["openDatabase"]>>;
  if (backend === "postgres") {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl)
      throw new Error("--backend=postgres needs TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres");
    if (traceQueries) tracePostgres();
    const fresh = await createFreshPostgresDatabase(adminUrl);
    database = await openDatabase({ databaseUrl: fresh.url, dataDir, poolSize: config.DATABASE_POOL_SIZE });
    drop = fresh.drop;
  } else {
    // The production default: PGlite on disk in the data dir (BENCH_EMBEDDED_MEMORY=1: in memory).
    database = await openDatabase({ dataDir, inMemory: process.env.BENCH_EMBEDDED_MEMORY === "1" });
    // The client drizzle queries through (infra/db/pglite-client.ts), not the PGlite instance itself.
    if (traceQueries && database.pglite) tracePglite((database.db as unknown as { $client: PgliteLike }).$client);
  }

  // The instant model: one token, no delay. `calls` is emptied so it does not grow the heap.
  const fake = createFakeProvider({
    id: "fake",
    models: ["fake-1"],
    script: { tokens: ["ok"], usage: { inputTokens: 10, outputTokens: 1 } },
  });
  const trimCalls = setInterval(() => {
    fake.calls.length = 0;
  }, 1000);
  trimCalls.unref();

  const container = await buildContainer(config, {
    database,
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    llmSleep: async () => {},
    envProvider: { provider: fake, model: "fake-1" },
  });
  const app = await buildApp(container);
  await app.ready();

  const inject = async (opts: InjectOptions, what: string) => {
    const res = await app.inject(opts);
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown>;
  };
  const password = "Bench-Passw0rd-1";
  const setup = await inject(
    { method: "POST", url: "/api/v1/setup", payload: { email: "owner@bench.example", name: "Owner", password } },
    "setup",
  );
  const owner = { authorization: `Bearer ${setup.access_token as string}` };
  const tenant = await inject(
    { method: "POST", url: "/api/v1/tenants", headers: owner, payload: { name: "Bench Dept" } },
    "tenant",
  );
  const tenantId = tenant.id as string;
  const users: { id: string; token: string; authorization: string }[] = [];
  for (let i = 0; i < nUsers; i++) {
    const email = `user${i}@bench.example`;
    const u = await inject(
      { method: "POST", url: "/api/v1/users", headers: owner, payload: { email, name: `user${i}`, password } },
      "user",
    );
    await inject(
      {
        method: "POST",
        url: `/api/v1/tenants/${tenantId}/members`,
        headers: owner,
        payload: { email, role: "member" },
      },
      "member",
    );
    const tok = await inject(
      { method: "POST", url: "/api/v1/auth/token", payload: { username: email, password } },
      "login",
    );
    const token = tok.access_token as string;
    users.push({ id: u.id as string, token, authorization: `Bearer ${token}` });
  }
  const firstUser = users[0];
  if (!firstUser) throw new Error("--users must be at least 1");
  const assistantsRes = await app.inject({
    url: `/api/v1/assistants?tenantId=${tenantId}`,
    headers: { authorization: firstUser.authorization },
  });
  const general = (assistantsRes.json() as { id: string; kind: string }[]).find((a) => a.kind === "general");
  if (!general) throw new Error("no general assistant");

  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      // pg's pool.end() resolves before its sockets are gone; the forced DROP DATABASE then kills
      // them, and the pool re-emits that as an error: expected during teardown, not a crash.
      process.on("uncaughtException", (err) => {
        if ((err as { code?: string }).code !== "57P01") throw err;
      });
      await app.close();
      await container.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return closing;
  };

  process.on("message", async (raw) => {
    const req = raw as ServerRequest;
    try {
      switch (req.cmd) {
        case "chats": {
          const chatIds: string[] = [];
          // A few at a time: creating chats is set-up, not the measured path.
          for (let i = 0; i < req.users.length; i += 10) {
            const batch = req.users.slice(i, i + 10).map(async (u) => {
              const user = users[u % users.length] as (typeof users)[number];
              const chat = await inject(
                {
                  method: "POST",
                  url: "/api/v1/chats",
                  headers: { authorization: user.authorization },
                  payload: { tenantId, assistantId: general.id },
                },
                "chat",
              );
              return chat.id as string;
            });
            chatIds.push(...(await Promise.all(batch)));
          }
          return send({ id: req.id, ok: true, chatIds });
        }
        case "stats": {
          const mem = process.memoryUsage();
          const cpu = process.cpuUsage();
          const elu = performance.eventLoopUtilization();
          const stats: ServerStats = {
            rss: mem.rss,
            heapUsed: mem.heapUsed,
            cpuUserUs: cpu.user,
            cpuSystemUs: cpu.system,
            eluIdle: elu.idle,
            eluActive: elu.active,
            loopDelay: {
              p50: loopDelay.percentile(50) / 1e6,
              p99: loopDelay.percentile(99) / 1e6,
              max: loopDelay.max / 1e6,
            },
          };
          if (req.reset) loopDelay.reset();
          return send({ id: req.id, ok: true, stats });
        }
        case "queries": {
          const snapshot: QueryCounts = JSON.parse(JSON.stringify(counts));
          if (req.reset) {
            counts.transactions = 0;
            counts.statements = 0;
            counts.roundTrips = 0;
            counts.byKind = {};
            counts.msByKind = {};
            counts.samples = {};
            counts.dbMs = 0;
          }
          return send({ id: req.id, ok: true, counts: snapshot });
        }
        case "shutdown": {
          await shutdown();
          send({ id: req.id, ok: true });
          process.disconnect?.();
          setTimeout(() => process.exit(0), 100).unref();
          return;
        }
      }
    } catch (err) {
      send({ id: req.id, ok: false, error: err instanceof Error ? err.stack : String(err) });
    }
  });
  // The parent died: do not linger (drop the scratch database on the way out).
  process.on("disconnect", () => {
    void shutdown().finally(() => process.exit(0));
  });

  const ready: ServerReady = {
    type: "ready",
    port,
    backend: database.kind,
    tenantId,
    assistantId: general.id,
    users: users.map((u) => ({ id: u.id, token: u.token })),
    setupMs: Math.round(performance.now() - started),
  };
  send(ready);
}

main().catch((err) => {
  send({ type: "fatal", error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
