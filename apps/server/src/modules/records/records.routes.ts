import {
  ErrorBodySchema,
  pageOf,
  RequestRecordQuerySchema,
  RequestRecordSchema,
  UsageSummarySchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf } from "../../plugins/auth";
import type { RecordsService } from "./records.service";

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

/** Request records (latency, tokens, cost per request) and usage totals. */
export function recordsRoutes(records: RecordsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);
    app.get(
      "/records",
      {
        schema: {
          tags: ["records"],
          summary: "Request records, newest first (tenantId for tenant admins; all tenants for instance admins)",
          querystring: RequestRecordQuerySchema,
          response: { 200: pageOf(RequestRecordSchema), ...errors },
        },
      },
      async (request) => records.list(actorOf(request), request.query),
    );
    app.get(
      "/records/summary",
      {
        schema: {
          tags: ["records"],
          summary: "Usage totals: tokens and cost per user and per tenant",
          querystring: RequestRecordQuerySchema.omit({ limit: true, offset: true }),
          response: { 200: UsageSummarySchema, ...errors },
        },
      },
      async (request) => records.summary(actorOf(request), request.query),
    );
  };
}
