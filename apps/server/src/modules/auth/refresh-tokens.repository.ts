import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { refreshTokens } from "../../infra/db/schema";

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** Refresh tokens (hashed), grouped in rotation families. */
export function createRefreshTokensRepository(db: DB) {
  return {
    async create(values: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }, tx: DB = db) {
      await tx.insert(refreshTokens).values(values);
    },
    async findByHash(tokenHash: string, tx: DB = db): Promise<RefreshTokenRow | undefined> {
      const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
      return row;
    },
    /** Marks a token used; false when another request used it first (reuse). */
    async claim(id: string, tx: DB = db): Promise<boolean> {
      const rows = await tx
        .update(refreshTokens)
        .set({ usedAt: new Date() })
        .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      return rows.length > 0;
    },
    async revokeFamily(familyId: string, tx: DB = db) {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    },
    async revokeAllForUser(userId: string, tx: DB = db) {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    },
    /** Deletes tokens that expired or were revoked before `before`. */
    async purge(before: Date, tx: DB = db): Promise<number> {
      const rows = await tx
        .delete(refreshTokens)
        .where(or(lt(refreshTokens.expiresAt, before), lt(refreshTokens.revokedAt, before)))
        .returning({ id: refreshTokens.id });
      return rows.length;
    },
  };
}
export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>;
