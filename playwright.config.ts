import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests (`npx playwright test`, or `npm run test:e2e`): one real server on a fixed port
 * with a fresh embedded database, driven by Debian's Chromium (browsers are never downloaded).
 *
 * The flows are stateful (first-run setup can happen only once per server), so everything runs in
 * one worker, in file order, and a failed step is reported, never retried.
 */

const PORT = Number(process.env.ATRIUM_E2E_PORT ?? 18321);
const BASE_URL = `http://127.0.0.1:${PORT}`;

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
}
const DATA_DIR = process.env[DATA_DIR_VAR] as string;

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
  webServer: {
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
      LOG_LEVEL: "warn",
      // Empty means unset to the server: the tests do the first-run setup through the UI, on the
      // embedded database, whatever the calling shell exports.
      ATRIUM_ADMIN_EMAIL: "",
      ATRIUM_ADMIN_PASSWORD: "",
      DATABASE_URL: "",
      REDIS_URL: "",
    },
  },
});
