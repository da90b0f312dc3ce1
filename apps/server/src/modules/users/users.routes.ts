import {
  CreateUserSchema,
  ErrorBodySchema,
  IdParamsSchema,
  MeSchema,
  PageQuerySchema,
  UpdateMeSchema,
  UpdateUserSchema,
  UserListSchema,
  UserSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { UsersService } from "./users.service";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};

/** The current user's profile, and user administration for instance admins. */
export function usersRoutes(users: UsersService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.get(
      "/users/me",
      {
        schema: {
          tags: ["users"],
          summary: "The signed-in user and their tenants",
          response: { 200: MeSchema, ...errors },
        },
      },
      async (request) => users.me(actorOf(request)),
    );
    app.patch(
      "/users/me",
      {
        schema: {
          tags: ["users"],
          summary: "Update my name, language or password",
          body: UpdateMeSchema,
          response: { 200: MeSchema, ...errors },
        },
      },
      async (request) => users.updateMe(actorOf(request), request.body),
    );
    app.get(
      "/users",
      {
        schema: {
          tags: ["users"],
          summary: "List users (instance admins)",
          querystring: PageQuerySchema,
          response: { 200: UserListSchema, ...errors },
        },
      },
      async (request) => users.list(actorOf(request), request.query),
    );
    app.post(
      "/users",
      {
        schema: {
          tags: ["users"],
          summary: "Create a user (instance admins)",
          body: CreateUserSchema,
          response: { 201: UserSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await users.create(actorOf(request), request.body)),
    );
    app.get(
      "/users/:id",
      {
        schema: {
          tags: ["users"],
          summary: "Get a user (instance admins)",
          params: IdParamsSchema,
          response: { 200: UserSchema, ...errors },
        },
      },
      async (request) => users.get(actorOf(request), request.params.id),
    );
    app.patch(
      "/users/:id",
      {
        schema: {
          tags: ["users"],
          summary: "Change a user's name, role, status or password (instance admins)",
          params: IdParamsSchema,
          body: UpdateUserSchema,
          response: { 200: UserSchema, ...errors },
        },
      },
      async (request) => users.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      "/users/:id",
      {
        schema: {
          tags: ["users"],
          summary: "Delete a user (instance admins)",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await users.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
