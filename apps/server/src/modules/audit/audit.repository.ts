import type { DB } from "../../infra/db/database";
import { auditLog } from "../../infra/db/schema";

export interface AuditEntry {
  tenantId?: string | null;
  actorUserId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
}

/** Append-only audit log of administrative actions. */
export function createAuditRepository(db: DB) {
  return {
    async record(entry: AuditEntry, tx: DB = db) {
      await tx.insert(auditLog).values({ ...entry, data: entry.data ?? {} });
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
