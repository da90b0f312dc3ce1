import {
  ApiKeySchema,
  CreateApiKeySchema,
  CreatedApiKeySchema,
  ErrorBodySchema,
  IdParamsSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { ApiKeysService } from "./api-keys.service";

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

/** Personal API keys for programmatic access. */
export function apiKeysRoutes(apiKeys: ApiKeysService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);
    app.get(
      "/api-keys",
      { schema: { tags: ["api-keys"], summary: "My API keys", response: { 200: z.array(ApiKeySchema), ...errors } } },
      async (request) => apiKeys.list(actorOf(request)),
    );
    app.post(
      "/api-keys",
      {
        schema: {
          tags: ["api-keys"],
          summary: "Create an API key for one tenant; the key is shown only in this answer",
          body: CreateApiKeySchema,
          response: { 201: CreatedApiKeySchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await apiKeys.create(actorOf(request), request.body)),
    );
    app.delete(
      "/api-keys/:id",
      {
        schema: {
          tags: ["api-keys"],
          summary: "Revoke an API key",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await apiKeys.revoke(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
