#!/usr/bin/env node
// `npm run dev`: the API (tsx watch, NODE_ENV=development) and the Vite dev server with hot reload,
// which proxies /api, /v1 and /ws to the API.
import { spawn } from "node:child_process";

const procs = [
  spawn("npm", ["run", "dev", "-w", "apps/server"], {
    stdio: "inherit",
    env: { NODE_ENV: "development", ...process.env },
  }),
  spawn("npm", ["run", "dev", "-w", "apps/web"], { stdio: "inherit", env: process.env }),
];
const stop = () => {
  for (const p of procs) p.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const p of procs)
  p.on("exit", (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
