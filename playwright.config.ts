import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests (`npx playwright test`, or `npm run test:e2e`): one real server on a fixed port
 * with a fresh embedded database, driven by Debian's Chromium (browsers are never downloaded).
 *
 * The flows are stateful (first-run setup can happen only once per server), so everything runs in
 * one worker, in file order (01-foundation does the setup, later files sign in as its owner), and a
 * failed step is reported, never retried. The app's model is a fake OpenAI-compatible server
 * started first (e2e/fake-llm-server.mjs), so answers are deterministic and need no network.
 */

const PORT = Number(process.env.ATRIUM_E2E_PORT ?? 18321);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// The fake OpenAI-compatible model (e2e/fake-llm-server.mjs) the app talks to.
const FAKE_LLM_PORT = Number(process.env.FAKE_LLM_PORT ?? 18322);
const FAKE_LLM_URL = `http://127.0.0.1:${FAKE_LLM_PORT}/v1`;

// Playwright loads this file in the runner and again in each worker: the runner creates the data
// directory and the workers inherit its path through the environment, so there is exactly one per run.
const DATA_DIR_VAR = "ATRIUM_E2E_RUN_DATA_DIR";
if (!process.env[DATA_DIR_VAR]) {
  const dir = mkdtempSync(join(tmpdir(), "atrium-e2e-"));
  process.env[DATA_DIR_VAR] = dir;
  // The runner exits after stopping the server; ATRIUM_E2E_KEEP_DATA=1 keeps the database to inspect.
  if (!process.env.ATRIUM_E2E_KEEP_DATA) {
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  snapshotWebBuild(join(dir, "web-dist"));
}
const DATA_DIR = process.env[DATA_DIR_VAR] as string;

/**
 * Copies the built web UI (apps/web/dist, from `npm run build -w apps/web`) for this run, so the
 * whole run tests one build: the server lists its static files when it starts, and a rebuild in the
 * middle of a run (new file names) would leave pages loading scripts that are not there. A build
 * caught half-written (index.html naming files not there yet) is copied again a moment later.
 */
function snapshotWebBuild(target: string): void {
  const dist = fileURLToPath(new URL("apps/web/dist/", import.meta.url));
  for (let attempt = 1; ; attempt++) {
    rmSync(target, { recursive: true, force: true });
    const index = join(dist, "index.html");
    if (existsSync(index)) {
      cpSync(dist, target, { recursive: true });
      const html = existsSync(join(target, "index.html")) ? readFileSync(join(target, "index.html"), "utf8") : "";
      const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1] as string);
      if (html && assets.length > 0 && assets.every((asset) => existsSync(join(target, asset)))) return;
    }
    if (attempt === 10) {
      throw new Error(`No complete web build in ${dist}: run \`npm run build -w apps/web\` first.`);
    }
    // A build takes a few seconds; wait a second (synchronously: configs load synchronously).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
  }
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: "list",
  // Sized for a 2-core machine running the server and the browser side by side.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        viewport: { width: 1280, height: 800 },
        locale: "en-US",
        timezoneId: "UTC",
        colorScheme: "light",
        launchOptions: {
          executablePath: process.env.PLAYWRIGHT_CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: "node e2e/fake-llm-server.mjs",
      url: `${FAKE_LLM_URL}/models`,
      reuseExistingServer: false,
      timeout: 15_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 3_000 },
      env: { FAKE_LLM_PORT: String(FAKE_LLM_PORT) },
    },
    {
      command: "npx tsx src/main.ts",
      cwd: "apps/server",
      url: `${BASE_URL}/api/v1/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        NODE_ENV: "production",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        ATRIUM_DATA_DIR: DATA_DIR,
        WEB_DIST_DIR: join(DATA_DIR, "web-dist"),
        LOG_LEVEL: "warn",
        // Empty means unset to the server: the tests do the first-run setup through the UI, on the
        // embedded database, whatever the calling shell exports.
        ATRIUM_ADMIN_EMAIL: "",
        ATRIUM_ADMIN_PASSWORD: "",
        DATABASE_URL: "",
        REDIS_URL: "",
        // The fake model; one attempt, so an answer the model refuses fails at once.
        LLM_PROVIDER: "openai",
        LLM_BASE_URL: FAKE_LLM_URL,
        LLM_API_KEY: "test",
        LLM_MODEL: "fake-model",
        LLM_MODEL_PATH: "",
        LLM_RETRY_ATTEMPTS: "1",
      },
    },
  ],
});
