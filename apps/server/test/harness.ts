import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenResponse } from "@atrium/contracts";
import { type App, buildApp } from "../src/app";
import { type Config, testConfig } from "../src/config/config";
import { buildContainer, type Container, type ContainerOverrides } from "../src/container";
import { createArgon2Hasher } from "../src/infra/passwords";
import { startWorker } from "../src/roles/worker";
import type { Backend } from "./backends";

export const OWNER = { email: "owner@example.com", name: "Olga Owner", password: "Owner-Passw0rd-1" };

export interface TestApp {
  app: App;
  container: Container;
  close(): Promise<void>;
  /** Signs in and returns an Authorization header. */
  login(email: string, password: string): Promise<{ authorization: string; tokens: TokenResponse }>;
  /** Runs first-run setup as OWNER and returns their header. */
  setupOwner(): Promise<{ authorization: string }>;
  /** As `auth`, creates a user (instance admin only). */
  createUser(
    auth: { authorization: string },
    email: string,
    role?: "admin" | "member",
  ): Promise<{ id: string; authorization: string }>;
  createTenant(auth: { authorization: string }, name: string): Promise<{ id: string; slug: string }>;
  addMember(auth: { authorization: string }, tenantId: string, email: string, role?: "admin" | "member"): Promise<void>;
}

export const PASSWORD = "Member-Passw0rd-1";
/** Scratch data dir (the encryption key file lands here). */
const dataDir = mkdtempSync(join(tmpdir(), "atrium-test-"));

/** A real app on a real database (in-memory PGlite, or a fresh Postgres database). */
export async function startTestApp(
  backend: Backend,
  overrides: Partial<Config> = {},
  adapters: Omit<ContainerOverrides, "database" | "hasher"> = {},
  opts: { jobs?: boolean; maintain?: boolean } = {},
): Promise<TestApp> {
  const { database, drop } = await backend.open();
  // Real argon2id with small parameters: the same code path, fast enough for many logins.
  const container = await buildContainer(testConfig({ ATRIUM_DATA_DIR: dataDir, ...overrides }), {
    database,
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    llmSleep: async () => {},
    ...adapters,
  });
  const app = await buildApp(container);
  await app.ready();
  // Every app can enqueue; with jobs: true it also runs the worker, like --role=all.
  await container.queue.start({ maintain: Boolean(opts.jobs || opts.maintain) });
  if (opts.jobs) await startWorker(container);

  const expectOk = (res: { statusCode: number; body: string }, what: string) => {
    if (res.statusCode >= 300) throw new Error(`${what} failed: ${res.statusCode} ${res.body}`);
  };

  const t: TestApp = {
    app,
    container,
    async close() {
      await app.close();
      await container.close().catch(() => undefined);
      await drop();
    },
    async login(email, password) {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/token",
        payload: { username: email, password },
      });
      expectOk(res, `login ${email}`);
      const tokens = res.json() as TokenResponse;
      return { authorization: `Bearer ${tokens.access_token}`, tokens };
    },
    async setupOwner() {
      const res = await app.inject({ method: "POST", url: "/api/v1/setup", payload: OWNER });
      expectOk(res, "setup");
      return { authorization: `Bearer ${(res.json() as TokenResponse).access_token}` };
    },
    async createUser(auth, email, role = "member") {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/users",
        headers: auth,
        payload: { email, name: email.split("@")[0], password: PASSWORD, role },
      });
      expectOk(res, `create user ${email}`);
      const { authorization } = await t.login(email, PASSWORD);
      return { id: (res.json() as { id: string }).id, authorization };
    },
    async createTenant(auth, name) {
      const res = await app.inject({ method: "POST", url: "/api/v1/tenants", headers: auth, payload: { name } });
      expectOk(res, `create tenant ${name}`);
      return res.json() as { id: string; slug: string };
    },
    async addMember(auth, tenantId, email, role = "member") {
      const res = await app.inject({
        method: "POST",
        url: `/api/v1/tenants/${tenantId}/members`,
        headers: auth,
        payload: { email, role },
      });
      expectOk(res, `add member ${email}`);
    },
  };
  return t;
}
