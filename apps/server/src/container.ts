import { Redis } from "ioredis";
import type { Config } from "./config/config";
import { createAccessTokens } from "./infra/access-tokens";
import { type Counters, createMemoryCounters, createRedisCounters } from "./infra/counters";
import { type Database, openDatabase } from "./infra/db/database";
import { createArgon2Hasher, type PasswordHasher } from "./infra/passwords";
import { randomToken } from "./lib/crypto";
import { createApiKeysRepository } from "./modules/api-keys/api-keys.repository";
import { createApiKeysService } from "./modules/api-keys/api-keys.service";
import { createAuditRepository } from "./modules/audit/audit.repository";
import { createAuthService } from "./modules/auth/auth.service";
import { createRefreshTokensRepository } from "./modules/auth/refresh-tokens.repository";
import { createSettingsRepository } from "./modules/settings/settings.repository";
import { createTenantAccess } from "./modules/tenants/tenant-access";
import { createTenantsRepository } from "./modules/tenants/tenants.repository";
import { createTenantsService } from "./modules/tenants/tenants.service";
import { createUsersRepository } from "./modules/users/users.repository";
import { createUsersService } from "./modules/users/users.service";

export const VERSION = "0.1.0";

/** Adapters a test may swap at wiring time. */
export interface ContainerOverrides {
  database?: Database;
  hasher?: PasswordHasher;
  counters?: Counters;
}

/** Builds infra → repositories → services for one process. */
export async function buildContainer(config: Config, overrides: ContainerOverrides = {}) {
  const database =
    overrides.database ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.ATRIUM_DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
    }));
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined;

  const repos = {
    users: createUsersRepository(database.db),
    tenants: createTenantsRepository(database.db),
    apiKeys: createApiKeysRepository(database.db),
    refreshTokens: createRefreshTokensRepository(database.db),
    audit: createAuditRepository(database.db),
    settings: createSettingsRepository(database.db),
  };

  // The JWT secret: from config, else generated once and kept in the database (in the data dir
  // when embedded), so restarts and replicas share it and sessions stay valid.
  const jwtSecret =
    config.JWT_SECRET ??
    (await database.scoped({ bypass: true }, (tx) => repos.settings.getOrInit("jwt_secret", randomToken(48), tx)));

  const hasher = overrides.hasher ?? createArgon2Hasher();
  const counters = overrides.counters ?? (redis ? createRedisCounters(redis) : createMemoryCounters());
  const accessTokens = createAccessTokens(jwtSecret, config.ACCESS_TOKEN_TTL_SECONDS);
  const requireTenantRole = createTenantAccess(repos.tenants);

  const auth = createAuthService({
    database,
    users: repos.users,
    refreshTokens: repos.refreshTokens,
    apiKeys: repos.apiKeys,
    audit: repos.audit,
    hasher,
    accessTokens,
    counters,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    login: { maxFailures: config.LOGIN_MAX_FAILURES, lockSeconds: config.LOGIN_LOCK_SECONDS },
  });
  const users = createUsersService({
    database,
    users: repos.users,
    tenants: repos.tenants,
    refreshTokens: repos.refreshTokens,
    audit: repos.audit,
    hasher,
  });
  const tenants = createTenantsService({
    database,
    tenants: repos.tenants,
    users: repos.users,
    usersService: users,
    audit: repos.audit,
    requireTenantRole,
  });
  const apiKeys = createApiKeysService({ database, apiKeys: repos.apiKeys, audit: repos.audit, requireTenantRole });

  return {
    config,
    database,
    redis,
    repos,
    services: { auth, users, tenants, apiKeys },
    async close() {
      redis?.disconnect();
      await database.close();
    },
  };
}
export type Container = Awaited<ReturnType<typeof buildContainer>>;
