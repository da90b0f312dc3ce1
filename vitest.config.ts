import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const contracts = { "@atrium/contracts": resolve(import.meta.dirname, "packages/contracts/src/index.ts") };

/** Three projects: server unit tests, integration tests (embedded + Postgres), web unit tests. */
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: contracts },
        test: {
          name: "unit",
          include: ["apps/server/src/**/*.test.ts", "packages/*/src/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias: contracts },
        test: {
          name: "int",
          include: ["apps/server/test/**/*.int.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // PGlite instances are heavy; two files at a time suit a 2-core machine.
          maxWorkers: 2,
          // Runs after the unit projects (a project with its own maxWorkers needs its own group).
          sequence: { groupOrder: 1 },
        },
      },
      "apps/web/vitest.config.ts",
    ],
  },
});
