import type { InstanceRole } from "@atrium/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { unauthorized } from "../lib/errors";

/** Who is calling: a signed-in user, or an API key acting as its user within one tenant. */
export interface Actor {
  userId: string;
  role: InstanceRole;
  /** Set when the caller used an API key: the only tenant it may act in. */
  apiKeyTenantId?: string;
  apiKeyId?: string;
}

/** Resolves a bearer credential to an actor; throws 401 AppErrors. */
export type Authenticator = (bearer: string) => Promise<Actor>;

declare module "fastify" {
  interface FastifyRequest {
    actor?: Actor;
  }
  interface FastifyInstance {
    /** onRequest hook: requires a valid bearer token or API key. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

/** Reads `Authorization: Bearer …` (JWT or API key) and sets request.actor. */
export function registerAuth(app: FastifyInstance, authenticator: Authenticator) {
  app.decorateRequest("actor", undefined);
  app.decorate("authenticate", async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) {
      throw unauthorized("auth.unauthenticated", "Sign in first: send Authorization: Bearer <token>.");
    }
    request.actor = await authenticator(match[1]);
  });
}

/** The actor of an authenticated route (the hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized("auth.unauthenticated", "Sign in first.");
  return request.actor;
}
