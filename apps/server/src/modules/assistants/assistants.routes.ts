import {
  AssistantSchema,
  AssistantSummarySchema,
  CreateAssistantSchema,
  CreatePromptVersionSchema,
  ErrorBodySchema,
  IdParamsSchema,
  PromptListQuerySchema,
  PromptSchema,
  SetTenantAssistantSchema,
  TenantAssistantSchema,
  UpdateAssistantSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { AssistantsService } from "./assistants.service";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};
const tags = ["assistants"];

/** Assistants a user can use, their per-tenant settings, admin definitions and prompt versions. */
export function assistantsRoutes(service: AssistantsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.get(
      "/assistants",
      {
        schema: {
          tags,
          summary: "Assistants I can use in a tenant",
          querystring: z.object({ tenantId: z.uuid() }),
          response: { 200: z.array(AssistantSummarySchema), ...errors },
        },
      },
      async (request) => service.listForTenant(actorOf(request), request.query.tenantId),
    );
    app.get(
      "/tenants/:id/assistants",
      {
        schema: {
          tags,
          summary: "Every assistant with its state in this tenant (tenant admins)",
          params: IdParamsSchema,
          response: { 200: z.array(TenantAssistantSchema), ...errors },
        },
      },
      async (request) => service.tenantConfig(actorOf(request), request.params.id),
    );
    app.put(
      "/tenants/:id/assistants/:assistantId",
      {
        schema: {
          tags,
          summary: "Enable/disable an assistant in this tenant, or override its pipeline stages",
          params: z.object({ id: z.uuid(), assistantId: z.uuid() }),
          body: SetTenantAssistantSchema,
          response: { 200: TenantAssistantSchema, ...errors },
        },
      },
      async (request) =>
        service.setForTenant(actorOf(request), request.params.id, request.params.assistantId, request.body),
    );

    app.get(
      "/admin/assistants",
      {
        schema: {
          tags,
          summary: "All assistant definitions (instance admins)",
          response: { 200: z.array(AssistantSchema), ...errors },
        },
      },
      async (request) => service.listAll(actorOf(request)),
    );
    app.post(
      "/admin/assistants",
      {
        schema: {
          tags,
          summary: "Define an assistant",
          body: CreateAssistantSchema,
          response: { 201: AssistantSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
    );
    app.get(
      "/admin/assistants/:id",
      {
        schema: {
          tags,
          summary: "Get an assistant definition",
          params: IdParamsSchema,
          response: { 200: AssistantSchema, ...errors },
        },
      },
      async (request) => service.get(actorOf(request), request.params.id),
    );
    app.patch(
      "/admin/assistants/:id",
      {
        schema: {
          tags,
          summary: "Change an assistant",
          params: IdParamsSchema,
          body: UpdateAssistantSchema,
          response: { 200: AssistantSchema, ...errors },
        },
      },
      async (request) => service.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      "/admin/assistants/:id",
      {
        schema: {
          tags,
          summary: "Delete an assistant and its chats",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await service.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/assistants/:id/prompts",
      {
        schema: {
          tags,
          summary: "Prompt versions (instance-wide, or one tenant's overrides with tenantId)",
          params: IdParamsSchema,
          querystring: PromptListQuerySchema,
          response: { 200: z.array(PromptSchema), ...errors },
        },
      },
      async (request) => service.listPrompts(actorOf(request), request.params.id, request.query),
    );
    app.post(
      "/assistants/:id/prompts",
      {
        schema: {
          tags,
          summary: "Save a new prompt version (becomes active unless activate=false)",
          params: IdParamsSchema,
          body: CreatePromptVersionSchema,
          response: { 201: PromptSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.addPromptVersion(actorOf(request), request.params.id, request.body)),
    );
    app.post(
      "/prompts/:id/activate",
      {
        schema: {
          tags,
          summary: "Make this prompt version the active one (restore)",
          params: IdParamsSchema,
          response: { 200: PromptSchema, ...errors },
        },
      },
      async (request) => service.activatePrompt(actorOf(request), request.params.id),
    );
  };
}
