import {
  ErrorBodySchema,
  LogoutRequestSchema,
  RefreshRequestSchema,
  SetupRequestSchema,
  SetupStatusSchema,
  TokenRequestSchema,
  TokenResponseSchema,
} from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AuthService } from "./auth.service";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
};

/** Sign-in (OAuth2 password flow), refresh with rotation, logout, first-run setup. */
export function authRoutes(auth: AuthService, loginPerMinute: number): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/auth/token",
      {
        schema: {
          tags: ["auth"],
          summary: "Sign in (OAuth2 password grant; username is the email)",
          consumes: ["application/x-www-form-urlencoded", "application/json"],
          body: TokenRequestSchema,
          response: { 200: TokenResponseSchema, ...errors },
          security: [],
        },
        config: { rateLimit: { max: loginPerMinute, timeWindow: "1 minute" } },
      },
      async (request) => auth.login(request.body.username, request.body.password),
    );

    app.post(
      "/auth/refresh",
      {
        schema: {
          tags: ["auth"],
          summary: "Exchange a refresh token for new tokens (the old one stops working)",
          body: RefreshRequestSchema,
          response: { 200: TokenResponseSchema, ...errors },
          security: [],
        },
        config: { rateLimit: { max: loginPerMinute * 4, timeWindow: "1 minute" } },
      },
      async (request) => auth.refresh(request.body.refresh_token),
    );

    app.post(
      "/auth/logout",
      {
        schema: {
          tags: ["auth"],
          summary: "End the session of a refresh token",
          body: LogoutRequestSchema,
          response: { 204: z.null(), ...errors },
          security: [],
        },
      },
      async (request, reply) => {
        await auth.logout(request.body.refresh_token);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/setup/status",
      {
        schema: {
          tags: ["setup"],
          summary: "Whether first-run setup is needed",
          response: { 200: SetupStatusSchema },
          security: [],
        },
      },
      async () => ({ needsSetup: await auth.needsSetup() }),
    );

    app.post(
      "/setup",
      {
        schema: {
          tags: ["setup"],
          summary: "Create the instance owner (only while no user exists)",
          body: SetupRequestSchema.strict(),
          response: { 200: TokenResponseSchema, ...errors },
          security: [],
        },
        config: { rateLimit: { max: loginPerMinute, timeWindow: "1 minute" } },
      },
      async (request) => auth.setup(request.body),
    );
  };
}
