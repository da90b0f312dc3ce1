import type { TokenResponse } from "@atrium/contracts";
import type { AccessTokens } from "../../infra/access-tokens";
import type { Counters } from "../../infra/counters";
import type { Database } from "../../infra/db/database";
import type { PasswordHasher } from "../../infra/passwords";
import { randomToken, sha256 } from "../../lib/crypto";
import { AppError, conflict, tooMany, unauthorized } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { ApiKeysRepository } from "../api-keys/api-keys.repository";
import type { AuditRepository } from "../audit/audit.repository";
import type { UsersRepository } from "../users/users.repository";
import type { RefreshTokensRepository } from "./refresh-tokens.repository";

/** Prefix that tells API keys from JWTs in an Authorization header. */
export const API_KEY_PREFIX = "atr_";

export interface AuthServiceDeps {
  database: Pick<Database, "scoped">;
  users: Pick<UsersRepository, "findByEmail" | "findById" | "count" | "create" | "update" | "lockForSetup">;
  refreshTokens: RefreshTokensRepository;
  apiKeys: Pick<ApiKeysRepository, "findActiveByHash" | "touch">;
  audit: Pick<AuditRepository, "record">;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  counters: Counters;
  refreshTtlDays: number;
  login: { maxFailures: number; lockSeconds: number };
  now?: () => Date;
}

const SYSTEM = { bypass: true } as const;

/** Sign-in, token rotation, first-run setup and credential resolution. */
export function createAuthService(deps: AuthServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { database } = deps;
  // Verifying against a real hash when the account does not exist keeps the timing the same.
  const dummyHash = deps.hasher.hash(randomToken());

  async function issueTokens(userId: string, familyId: string = crypto.randomUUID()): Promise<TokenResponse> {
    const refresh = randomToken(32);
    await database.scoped(SYSTEM, (tx) =>
      deps.refreshTokens.create(
        {
          userId,
          familyId,
          tokenHash: sha256(refresh),
          expiresAt: new Date(now().getTime() + deps.refreshTtlDays * 86_400_000),
        },
        tx,
      ),
    );
    return {
      access_token: await deps.accessTokens.sign({ userId }),
      refresh_token: refresh,
      token_type: "bearer",
      expires_in: deps.accessTokens.ttlSeconds,
    };
  }

  async function createOwner(input: { email: string; name: string; password: string }) {
    const passwordHash = await deps.hasher.hash(input.password);
    return database.scoped(SYSTEM, async (tx) => {
      // One owner, even when two set-up requests (or two processes) race.
      await deps.users.lockForSetup(tx);
      if ((await deps.users.count(tx)) > 0) {
        throw conflict("setup.already_done", "Atrium is already set up. Sign in instead.");
      }
      const user = await deps.users.create({ email: input.email, name: input.name, passwordHash, role: "owner" }, tx);
      await deps.audit.record(
        { actorUserId: user.id, action: "instance.setup", targetType: "user", targetId: user.id },
        tx,
      );
      return user;
    });
  }

  return {
    async needsSetup(): Promise<boolean> {
      return (await database.scoped(SYSTEM, (tx) => deps.users.count(tx))) === 0;
    },

    /** First-run setup from the web UI: creates the instance owner and signs them in. */
    async setup(input: { email: string; name: string; password: string }): Promise<TokenResponse> {
      const user = await createOwner(input);
      return issueTokens(user.id);
    },

    /** Creates the owner from ATRIUM_ADMIN_EMAIL/PASSWORD when there is no user yet; true if created. */
    async bootstrapOwner(email: string, password: string): Promise<boolean> {
      try {
        await createOwner({ email: email.toLowerCase(), name: "Administrator", password });
        return true;
      } catch (err) {
        if (err instanceof AppError && err.code === "setup.already_done") return false;
        throw err;
      }
    },

    /** OAuth2 password grant. Failed attempts are counted per account and lock it for a while. */
    async login(email: string, password: string): Promise<TokenResponse> {
      const key = `login:${email.trim().toLowerCase()}`;
      if ((await deps.counters.get(key)) >= deps.login.maxFailures) {
        const minutes = Math.max(1, Math.ceil((await deps.counters.ttl(key)) / 60));
        throw tooMany(`Too many failed sign-in attempts for this account. Try again in ${minutes} min.`);
      }
      const user = await database.scoped(SYSTEM, (tx) => deps.users.findByEmail(email.trim(), tx));
      const ok = await deps.hasher.verify(user?.passwordHash ?? (await dummyHash), password);
      if (!user || !ok) {
        await deps.counters.hit(key, deps.login.lockSeconds);
        throw unauthorized("auth.invalid_credentials", "Wrong email or password.");
      }
      if (!user.isActive) {
        throw new AppError(403, "auth.account_disabled", "This account is disabled. Ask an administrator.");
      }
      await deps.counters.reset(key);
      await database.scoped(SYSTEM, (tx) => deps.users.update(user.id, { lastLoginAt: now() }, tx));
      return issueTokens(user.id);
    },

    /** Rotates a refresh token. A token used twice revokes its whole family (theft signal). */
    async refresh(refreshToken: string): Promise<TokenResponse> {
      const row = await database.scoped(SYSTEM, async (tx) => {
        const found = await deps.refreshTokens.findByHash(sha256(refreshToken), tx);
        if (!found) return { error: "invalid" as const };
        if (found.revokedAt || found.usedAt) {
          await deps.refreshTokens.revokeFamily(found.familyId, tx);
          return { error: "reused" as const };
        }
        if (found.expiresAt <= now()) return { error: "expired" as const };
        if (!(await deps.refreshTokens.claim(found.id, tx))) {
          await deps.refreshTokens.revokeFamily(found.familyId, tx);
          return { error: "reused" as const };
        }
        const user = await deps.users.findById(found.userId, tx);
        if (!user?.isActive) return { error: "disabled" as const };
        return { userId: found.userId, familyId: found.familyId };
      });
      if ("error" in row) {
        switch (row.error) {
          case "reused":
            throw unauthorized(
              "auth.refresh_reused",
              "This refresh token was already used; all sessions from it were signed out. Sign in again.",
            );
          case "expired":
            throw unauthorized("auth.token_expired", "Your session has expired. Sign in again.");
          case "disabled":
            throw new AppError(403, "auth.account_disabled", "This account is disabled. Ask an administrator.");
          default:
            throw unauthorized("auth.token_invalid", "The refresh token is not valid. Sign in again.");
        }
      }
      return issueTokens(row.userId, row.familyId);
    },

    /** Ends the session the refresh token belongs to. Unknown tokens are ignored. */
    async logout(refreshToken: string | undefined): Promise<void> {
      if (!refreshToken) return;
      await database.scoped(SYSTEM, async (tx) => {
        const found = await deps.refreshTokens.findByHash(sha256(refreshToken), tx);
        if (found) await deps.refreshTokens.revokeFamily(found.familyId, tx);
      });
    },

    /** Resolves a bearer credential (JWT or API key) to the acting user. */
    async authenticate(bearer: string): Promise<Actor> {
      if (bearer.startsWith(API_KEY_PREFIX)) {
        const found = await database.scoped(SYSTEM, async (tx) => {
          const key = await deps.apiKeys.findActiveByHash(sha256(bearer), tx);
          if (!key) return undefined;
          // lastUsedAt is informational: write it at most once a minute per key.
          if (!key.lastUsedAt || now().getTime() - key.lastUsedAt.getTime() > 60_000) {
            await deps.apiKeys.touch(key.id, tx);
          }
          return { key, user: await deps.users.findById(key.userId, tx) };
        });
        if (!found?.user) throw unauthorized("auth.token_invalid", "This API key is not valid or was revoked.");
        if (!found.user.isActive) {
          throw new AppError(403, "auth.account_disabled", "This account is disabled. Ask an administrator.");
        }
        return {
          userId: found.user.id,
          role: found.user.role,
          apiKeyTenantId: found.key.tenantId,
          apiKeyId: found.key.id,
        };
      }
      const { userId } = await deps.accessTokens.verify(bearer);
      const user = await database.scoped(SYSTEM, (tx) => deps.users.findById(userId, tx));
      if (!user) throw unauthorized("auth.token_invalid", "This account no longer exists. Sign in again.");
      if (!user.isActive) {
        throw new AppError(403, "auth.account_disabled", "This account is disabled. Ask an administrator.");
      }
      return { userId: user.id, role: user.role };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
