import { HealthSchema, ReadySchema } from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Database } from "../../infra/db/database";

/** Liveness (the process answers) and readiness (database reachable, migrations applied). */
export function healthRoutes(
  database: Pick<Database, "kind" | "runner" | "isMigrated">,
  version: string,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/health",
      { schema: { tags: ["health"], summary: "Liveness", response: { 200: HealthSchema }, security: [] } },
      async () => ({ status: "ok" as const, version }),
    );
    app.get(
      "/ready",
      {
        schema: {
          tags: ["health"],
          summary: "Readiness",
          response: { 200: ReadySchema, 503: ReadySchema },
          security: [],
        },
      },
      async (_request, reply) => {
        const dbOk = await database.runner.query("select 1").then(
          () => true,
          () => false,
        );
        const migrated = dbOk && (await database.isMigrated().catch(() => false));
        const ready = dbOk && migrated;
        return reply.status(ready ? 200 : 503).send({
          status: ready ? "ready" : "not_ready",
          database: database.kind,
          checks: { database: dbOk, migrations: migrated },
        });
      },
    );
  };
}
