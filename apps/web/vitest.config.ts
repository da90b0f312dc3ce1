import { defineProject } from "vitest/config";

/** Unit tests of the web app: run in happy-dom, next to the code they test. */
export default defineProject({
  test: {
    name: "web",
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
