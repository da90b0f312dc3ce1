import {
  AddMemberSchema,
  CreateTenantSchema,
  ErrorBodySchema,
  IdParamsSchema,
  MemberParamsSchema,
  MemberSchema,
  TenantSchema,
  UpdateMemberSchema,
  UpdateTenantSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { TenantsService } from "./tenants.service";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};

/** Tenants (departments) and memberships. */
export function tenantsRoutes(tenants: TenantsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.get(
      "/tenants",
      {
        schema: {
          tags: ["tenants"],
          summary: "Tenants I can see (all, for instance admins)",
          response: { 200: z.array(TenantSchema), ...errors },
        },
      },
      async (request) => tenants.list(actorOf(request)),
    );
    app.post(
      "/tenants",
      {
        schema: {
          tags: ["tenants"],
          summary: "Create a tenant; the creator becomes its admin",
          body: CreateTenantSchema,
          response: { 201: TenantSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await tenants.create(actorOf(request), request.body)),
    );
    app.get(
      "/tenants/:id",
      {
        schema: {
          tags: ["tenants"],
          summary: "Get a tenant",
          params: IdParamsSchema,
          response: { 200: TenantSchema, ...errors },
        },
      },
      async (request) => tenants.get(actorOf(request), request.params.id),
    );
    app.patch(
      "/tenants/:id",
      {
        schema: {
          tags: ["tenants"],
          summary: "Rename a tenant (tenant admins)",
          params: IdParamsSchema,
          body: UpdateTenantSchema,
          response: { 200: TenantSchema, ...errors },
        },
      },
      async (request) => tenants.rename(actorOf(request), request.params.id, request.body.name),
    );
    app.delete(
      "/tenants/:id",
      {
        schema: {
          tags: ["tenants"],
          summary: "Delete a tenant and all it owns (instance admins)",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await tenants.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/tenants/:id/members",
      {
        schema: {
          tags: ["tenants"],
          summary: "List members (tenant admins)",
          params: IdParamsSchema,
          response: { 200: z.array(MemberSchema), ...errors },
        },
      },
      async (request) => tenants.listMembers(actorOf(request), request.params.id),
    );
    app.post(
      "/tenants/:id/members",
      {
        schema: {
          tags: ["tenants"],
          summary: "Add a member by email (name + password create the account if the email is new)",
          params: IdParamsSchema,
          body: AddMemberSchema,
          response: { 201: MemberSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await tenants.addMember(actorOf(request), request.params.id, request.body)),
    );
    app.patch(
      "/tenants/:id/members/:userId",
      {
        schema: {
          tags: ["tenants"],
          summary: "Change a member's role",
          params: MemberParamsSchema,
          body: UpdateMemberSchema,
          response: { 200: MemberSchema, ...errors },
        },
      },
      async (request) =>
        tenants.setMemberRole(actorOf(request), request.params.id, request.params.userId, request.body.role),
    );
    app.delete(
      "/tenants/:id/members/:userId",
      {
        schema: {
          tags: ["tenants"],
          summary: "Remove a member (or leave)",
          params: MemberParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await tenants.removeMember(actorOf(request), request.params.id, request.params.userId);
        return reply.status(204).send(null);
      },
    );
  };
}
