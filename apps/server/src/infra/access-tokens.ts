import { errors, jwtVerify, SignJWT } from "jose";
import { unauthorized } from "../lib/errors";

export interface AccessClaims {
  userId: string;
}

/** Signs and verifies short-lived access tokens (JWT, HS256). */
export interface AccessTokens {
  ttlSeconds: number;
  sign(claims: AccessClaims): Promise<string>;
  /** Throws auth.token_expired or auth.token_invalid. */
  verify(token: string): Promise<AccessClaims>;
}

/** HS256 access tokens with the instance secret. */
export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    sign: ({ userId }) =>
      new SignJWT({ typ: "access" })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(userId)
        .setIssuedAt()
        .setIssuer("atrium")
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(key),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: "atrium", algorithms: ["HS256"] });
        if (payload.typ !== "access" || typeof payload.sub !== "string") throw new Error("not an access token");
        return { userId: payload.sub };
      } catch (err) {
        if (err instanceof errors.JWTExpired) {
          throw unauthorized("auth.token_expired", "Your session has expired. Refresh the token or sign in again.");
        }
        throw unauthorized("auth.token_invalid", "The access token is not valid. Sign in again.");
      }
    },
  };
}
