import {
  CreateProviderSchema,
  ErrorBodySchema,
  IdParamsSchema,
  ProviderSchema,
  ProviderTestResultSchema,
  UpdateProviderSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { ProvidersService } from "./providers.service";

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };
const tags = ["providers"];

/** LLM providers (instance admins). */
export function providersRoutes(providers: ProvidersService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);
    app.get(
      "/admin/providers",
      {
        schema: {
          tags,
          summary: "Configured LLM providers (keys are never returned)",
          response: { 200: z.array(ProviderSchema), ...errors },
        },
      },
      async (request) => providers.list(actorOf(request)),
    );
    app.post(
      "/admin/providers",
      {
        schema: {
          tags,
          summary: "Add a provider (OpenAI-compatible, Anthropic, local GGUF)",
          body: CreateProviderSchema,
          response: { 201: ProviderSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await providers.create(actorOf(request), request.body)),
    );
    app.patch(
      "/admin/providers/:id",
      {
        schema: {
          tags,
          summary: 'Change a provider (apiKey: "" clears it, absent keeps it)',
          params: IdParamsSchema,
          body: UpdateProviderSchema,
          response: { 200: ProviderSchema, ...errors },
        },
      },
      async (request) => providers.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      "/admin/providers/:id",
      {
        schema: { tags, summary: "Remove a provider", params: IdParamsSchema, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await providers.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      "/admin/providers/:id/test",
      {
        schema: {
          tags,
          summary: "Check the provider answers and list its models",
          params: IdParamsSchema,
          response: { 200: ProviderTestResultSchema, ...errors },
        },
      },
      async (request) => providers.test(actorOf(request), request.params.id),
    );
  };
}
