import { and, asc, count, eq, sql } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { memberships, tenants, users } from "../../infra/db/schema";

export type TenantRow = typeof tenants.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

const memberCount = sql<number>`(select count(*)::int from ${memberships} m where m.tenant_id = ${tenants.id})`;
const tenantWithCount = {
  id: tenants.id,
  name: tenants.name,
  slug: tenants.slug,
  createdAt: tenants.createdAt,
  memberCount,
};

/** Tenants and memberships. Callers run these inside a scoped transaction (row-level security). */
export function createTenantsRepository(db: DB) {
  return {
    async listAll(tx: DB = db) {
      return tx.select(tenantWithCount).from(tenants).orderBy(asc(tenants.name));
    },
    async listForUser(userId: string, tx: DB = db) {
      return tx
        .select(tenantWithCount)
        .from(tenants)
        .innerJoin(memberships, eq(memberships.tenantId, tenants.id))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(tenants.name));
    },
    async findById(id: string, tx: DB = db) {
      const [row] = await tx.select(tenantWithCount).from(tenants).where(eq(tenants.id, id));
      return row;
    },
    /** Slugs are unique across the instance: call this in a scope that sees every tenant. */
    async slugExists(slug: string, tx: DB = db): Promise<boolean> {
      const [row] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
      return row !== undefined;
    },
    async create(values: { id: string; name: string; slug: string }, tx: DB = db) {
      const [row] = await tx.insert(tenants).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async rename(id: string, name: string, tx: DB = db) {
      const [row] = await tx
        .update(tenants)
        .set({ name, updatedAt: new Date() })
        .where(eq(tenants.id, id))
        .returning({ id: tenants.id });
      return row;
    },
    async remove(id: string, tx: DB = db): Promise<boolean> {
      const rows = await tx.delete(tenants).where(eq(tenants.id, id)).returning({ id: tenants.id });
      return rows.length > 0;
    },

    async findMembership(tenantId: string, userId: string, tx: DB = db): Promise<MembershipRow | undefined> {
      const [row] = await tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
      return row;
    },
    async listMembershipsOfUser(userId: string, tx: DB = db) {
      return tx
        .select({ tenantId: tenants.id, tenantName: tenants.name, tenantSlug: tenants.slug, role: memberships.role })
        .from(memberships)
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(tenants.name));
    },
    async listMembers(tenantId: string, tx: DB = db) {
      return tx
        .select({
          userId: users.id,
          email: users.email,
          name: users.name,
          role: memberships.role,
          isActive: users.isActive,
          createdAt: memberships.createdAt,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.tenantId, tenantId))
        .orderBy(asc(users.name), asc(users.email));
    },
    async addMember(values: { tenantId: string; userId: string; role: "admin" | "member" }, tx: DB = db) {
      const [row] = await tx.insert(memberships).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async setMemberRole(tenantId: string, userId: string, role: "admin" | "member", tx: DB = db) {
      const [row] = await tx
        .update(memberships)
        .set({ role })
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
        .returning();
      return row;
    },
    async removeMember(tenantId: string, userId: string, tx: DB = db): Promise<boolean> {
      const rows = await tx
        .delete(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
        .returning({ userId: memberships.userId });
      return rows.length > 0;
    },
    async countAdmins(tenantId: string, tx: DB = db): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "admin")));
      return row?.n ?? 0;
    },
  };
}
export type TenantsRepository = ReturnType<typeof createTenantsRepository>;
