import pg from "pg";
import { type Database, openDatabase } from "../src/infra/db/database";

/** A database backend the integration tests run against. */
export interface Backend {
  name: "embedded" | "postgres";
  open(): Promise<{ database: Database; drop(): Promise<void> }>;
}

const adminUrl = process.env.TEST_DATABASE_URL;

const embedded: Backend = {
  name: "embedded",
  async open() {
    const database = await openDatabase({ dataDir: "", inMemory: true });
    return { database, drop: async () => {} };
  },
};

/** Creates a fresh database per call on the server TEST_DATABASE_URL points at, dropped afterwards. */
export async function createFreshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `atrium_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const postgres: Backend = {
  name: "postgres",
  async open() {
    const fresh = await createFreshPostgresDatabase();
    const database = await openDatabase({ databaseUrl: fresh.url, dataDir: "", poolSize: 5 });
    return {
      database,
      drop: async () => {
        await database.close();
        await fresh.drop();
      },
    };
  },
};

/** Embedded always; Postgres when TEST_DATABASE_URL is set (CI sets it; CI=true makes it required). */
export const backends: Backend[] = adminUrl ? [embedded, postgres] : [embedded];

if (!adminUrl) {
  if (process.env.CI === "true") {
    throw new Error("CI=true but TEST_DATABASE_URL is not set: the Postgres tier must run in CI.");
  }
  console.warn("[tests] Postgres tier skipped: set TEST_DATABASE_URL=postgres://user@host:5432/postgres to run it.");
}
