import type { Me, User } from "@atrium/contracts";
import type { Database } from "../../infra/db/database";
import type { PasswordHasher } from "../../infra/passwords";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { AuditRepository } from "../audit/audit.repository";
import type { RefreshTokensRepository } from "../auth/refresh-tokens.repository";
import { requireInstanceAdmin } from "../tenants/tenant-access";
import type { TenantsRepository } from "../tenants/tenants.repository";
import { presentUser } from "./users.presenter";
import type { UsersRepository } from "./users.repository";

export interface UsersServiceDeps {
  database: Pick<Database, "scoped">;
  users: UsersRepository;
  tenants: Pick<TenantsRepository, "listMembershipsOfUser">;
  refreshTokens: Pick<RefreshTokensRepository, "revokeAllForUser">;
  audit: Pick<AuditRepository, "record">;
  hasher: PasswordHasher;
}

const SYSTEM = { bypass: true } as const;
const userNotFound = () => notFound("user.not_found", "No such user.");

/** Unique-violation (23505) from either driver, raised when an email is taken concurrently. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

/** The signed-in user's profile, and instance administration of users. */
export function createUsersService(deps: UsersServiceDeps) {
  const { database } = deps;
  return {
    async me(actor: Actor): Promise<Me> {
      return database.scoped({ userId: actor.userId }, async (tx) => {
        const user = await deps.users.findById(actor.userId, tx);
        if (!user) throw userNotFound();
        const memberships = await deps.tenants.listMembershipsOfUser(actor.userId, tx);
        // An API key sees only the tenant it was issued for.
        const visible = actor.apiKeyTenantId
          ? memberships.filter((m) => m.tenantId === actor.apiKeyTenantId)
          : memberships;
        return { ...presentUser(user), memberships: visible };
      });
    },

    async updateMe(
      actor: Actor,
      input: { name?: string; locale?: "en" | "ru"; currentPassword?: string; newPassword?: string },
    ): Promise<Me> {
      if (actor.apiKeyTenantId) throw forbidden("API keys cannot change the account. Sign in to do this.");
      const patch: { name?: string; locale?: "en" | "ru"; passwordHash?: string } = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.locale !== undefined) patch.locale = input.locale;
      if (input.newPassword !== undefined) {
        if (!input.currentPassword) {
          throw badRequest("request.invalid", "currentPassword: give your current password to set a new one.");
        }
        const user = await database.scoped(SYSTEM, (tx) => deps.users.findById(actor.userId, tx));
        if (!user || !(await deps.hasher.verify(user.passwordHash, input.currentPassword))) {
          throw badRequest("auth.wrong_password", "The current password is wrong.");
        }
        patch.passwordHash = await deps.hasher.hash(input.newPassword);
      }
      await database.scoped(SYSTEM, (tx) => deps.users.update(actor.userId, patch, tx));
      return this.me(actor);
    },

    async list(actor: Actor, opts: { q?: string; limit: number; offset: number }) {
      requireInstanceAdmin(actor);
      const { rows, total } = await database.scoped(SYSTEM, (tx) => deps.users.list(opts, tx));
      return { items: rows.map(presentUser), total };
    },

    async get(actor: Actor, id: string): Promise<User> {
      requireInstanceAdmin(actor);
      const user = await database.scoped(SYSTEM, (tx) => deps.users.findById(id, tx));
      if (!user) throw userNotFound();
      return presentUser(user);
    },

    /** Creates an account; used by instance admins and (for new members) by tenant admins. */
    async create(
      actor: Actor,
      input: { email: string; name: string; password: string; role: "admin" | "member" },
      opts: { skipAdminCheck?: boolean } = {},
    ): Promise<User> {
      if (!opts.skipAdminCheck) requireInstanceAdmin(actor);
      const passwordHash = await deps.hasher.hash(input.password);
      try {
        return await database.scoped(SYSTEM, async (tx) => {
          if (await deps.users.findByEmail(input.email, tx)) throw emailTaken();
          const user = await deps.users.create(
            { email: input.email, name: input.name, passwordHash, role: input.role },
            tx,
          );
          await deps.audit.record(
            {
              actorUserId: actor.userId,
              action: "user.created",
              targetType: "user",
              targetId: user.id,
              data: { role: input.role },
            },
            tx,
          );
          return presentUser(user);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    },

    async update(
      actor: Actor,
      id: string,
      input: { name?: string; role?: "admin" | "member"; isActive?: boolean; password?: string },
    ): Promise<User> {
      requireInstanceAdmin(actor);
      const passwordHash = input.password ? await deps.hasher.hash(input.password) : undefined;
      return database.scoped(SYSTEM, async (tx) => {
        const user = await deps.users.findById(id, tx);
        if (!user) throw userNotFound();
        if (user.role === "owner" && (input.role !== undefined || input.isActive === false)) {
          throw new AppError(
            409,
            "user.cannot_change_owner",
            "The instance owner's role cannot be changed and the owner cannot be disabled.",
          );
        }
        if (id === actor.userId && input.isActive === false) {
          throw badRequest("request.invalid", "You cannot disable your own account.");
        }
        const updated = await deps.users.update(
          id,
          {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.role !== undefined ? { role: input.role } : {}),
            ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
            ...(passwordHash ? { passwordHash } : {}),
          },
          tx,
        );
        if (!updated) throw userNotFound();
        // A disabled account or a reset password ends every session.
        if (input.isActive === false || passwordHash) await deps.refreshTokens.revokeAllForUser(id, tx);
        await deps.audit.record(
          {
            actorUserId: actor.userId,
            action: "user.updated",
            targetType: "user",
            targetId: id,
            data: { fields: Object.keys(input).filter((k) => k !== "password") },
          },
          tx,
        );
        return presentUser(updated);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireInstanceAdmin(actor);
      await database.scoped(SYSTEM, async (tx) => {
        const user = await deps.users.findById(id, tx);
        if (!user) throw userNotFound();
        if (user.role === "owner") {
          throw new AppError(409, "user.cannot_change_owner", "The instance owner cannot be deleted.");
        }
        if (id === actor.userId) throw badRequest("request.invalid", "You cannot delete your own account.");
        await deps.users.remove(id, tx);
        await deps.audit.record(
          {
            actorUserId: actor.userId,
            action: "user.deleted",
            targetType: "user",
            targetId: id,
            data: { email: user.email },
          },
          tx,
        );
      });
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;

function emailTaken() {
  return conflict("user.email_taken", "A user with this email already exists.");
}
