import { buildApp } from "./app";
import { parseConfig } from "./config/config";
import { buildContainer } from "./container";
import { startCron } from "./roles/cron";
import { startWorker } from "./roles/worker";

const ROLES = ["all", "api", "worker", "cron"] as const;
type Role = (typeof ROLES)[number];

function parseRole(argv: string[]): Role {
  const arg = argv.find((a) => a.startsWith("--role="))?.slice("--role=".length) ?? "all";
  if (!(ROLES as readonly string[]).includes(arg)) {
    console.error(`Unknown --role=${arg}. Use one of: ${ROLES.join(", ")}.`);
    process.exit(2);
  }
  return arg as Role;
}

/** Entry point: `--role=api|worker|cron|all` (default all: everything in one process). */
async function main() {
  const role = parseRole(process.argv.slice(2));
  const { config, problems } = parseConfig(process.env);
  if (!config) {
    console.error("Atrium cannot start: the configuration has problems:");
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(2);
  }
  const container = await buildContainer(config);
  const stops: Array<() => Promise<void>> = [];

  if (config.ATRIUM_ADMIN_EMAIL && config.ATRIUM_ADMIN_PASSWORD && (role === "all" || role === "api")) {
    const created = await container.services.auth.bootstrapOwner(
      config.ATRIUM_ADMIN_EMAIL,
      config.ATRIUM_ADMIN_PASSWORD,
    );
    if (created) console.log(`Created the instance owner ${config.ATRIUM_ADMIN_EMAIL}.`);
  }
  // Every role uses the queue (the api role enqueues); "all" and "cron" also supervise it
  // (retrying jobs whose worker died, expiring old ones).
  await container.queue.start({ maintain: role === "all" || role === "cron" });
  if (role === "all" || role === "worker") stops.push(await startWorker(container));
  if (role === "all" || role === "cron") stops.push(await startCron(container));
  if (role === "all" || role === "api") {
    const app = await buildApp(container);
    await app.listen({ port: config.PORT, host: config.HOST });
    const where = `http://localhost:${(app.server.address() as { port: number }).port}`;
    const { kind, pageCache } = container.database;
    const database = pageCache ? `${kind} database, page cache ${pageCache}` : `${kind} database`;
    app.log.info(`Atrium ${role} on ${where} (${database}); API docs at ${where}/api/v1/docs`);
    stops.unshift(() => app.close());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down…`);
    for (const stop of stops) await stop().catch((err) => console.error(err));
    await container.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error("Atrium failed to start:", err instanceof Error ? err.message : err);
  if (process.env.LOG_LEVEL === "debug") console.error(err);
  process.exit(1);
});
