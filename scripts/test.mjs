#!/usr/bin/env node
// `npm test`: every tier. Unit and embedded-database tests always run; the Postgres tier runs when
// TEST_DATABASE_URL is set, the Redis tier when TEST_REDIS_URL is set, and the browser tier when a
// Chromium binary is found. Each skipped tier says so. With CI=true every tier is required.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const ci = process.env.CI === "true";
const chromium = process.env.PLAYWRIGHT_CHROMIUM ?? "/usr/bin/chromium";
const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env: process.env }).status ?? 1;

const tiers = [];
tiers.push(process.env.TEST_DATABASE_URL ? "postgres: on" : "postgres: SKIPPED (set TEST_DATABASE_URL)");
tiers.push(process.env.TEST_REDIS_URL ? "redis: on" : "redis: SKIPPED (set TEST_REDIS_URL)");
const hasBrowser = existsSync(chromium);
tiers.push(hasBrowser ? "browser: on" : `browser: SKIPPED (no Chromium at ${chromium}; apt-get install chromium)`);
console.log(`[npm test] tiers: embedded: on · ${tiers.join(" · ")}`);
if (ci && (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL || !hasBrowser)) {
  console.error("[npm test] CI=true requires every tier; see .ci/run.");
  process.exit(1);
}

let status = run("npx", ["vitest", "run"]);
if (status === 0 && hasBrowser) {
  status = run("npx", ["playwright", "test"]);
} else if (!hasBrowser) {
  console.log("[npm test] browser tests skipped: no Chromium binary.");
}
process.exit(status);
