import { and, count, desc, eq, ilike, or, sql } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { users } from "../../infra/db/schema";

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** Users are instance-level rows (no tenant); every method takes an optional transaction. */
export function createUsersRepository(db: DB) {
  return {
    async findById(id: string, tx: DB = db): Promise<UserRow | undefined> {
      const [row] = await tx.select().from(users).where(eq(users.id, id));
      return row;
    },
    async findByEmail(email: string, tx: DB = db): Promise<UserRow | undefined> {
      const [row] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
      return row;
    },
    async list(opts: { q?: string; limit: number; offset: number }, tx: DB = db) {
      const where = opts.q ? or(ilike(users.email, `%${opts.q}%`), ilike(users.name, `%${opts.q}%`)) : undefined;
      const rows = await tx
        .select()
        .from(users)
        .where(where)
        .orderBy(desc(users.createdAt), users.email)
        .limit(opts.limit)
        .offset(opts.offset);
      const [total] = await tx.select({ n: count() }).from(users).where(where);
      return { rows, total: total?.n ?? 0 };
    },
    /** Serialises first-run setup across requests and processes (transaction-scoped lock). */
    async lockForSetup(tx: DB) {
      await tx.execute(sql`select pg_advisory_xact_lock(4242002)`);
    },
    async count(tx: DB = db): Promise<number> {
      const [row] = await tx.select({ n: count() }).from(users);
      return row?.n ?? 0;
    },
    async create(values: NewUser, tx: DB = db): Promise<UserRow> {
      const [row] = await tx.insert(users).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async update(id: string, patch: Partial<NewUser>, tx: DB = db): Promise<UserRow | undefined> {
      const [row] = await tx
        .update(users)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning();
      return row;
    },
    async remove(id: string, tx: DB = db): Promise<boolean> {
      const rows = await tx
        .delete(users)
        .where(and(eq(users.id, id)))
        .returning({ id: users.id });
      return rows.length > 0;
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
