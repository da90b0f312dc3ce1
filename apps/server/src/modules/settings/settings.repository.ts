import { eq } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import { instanceSettings } from "../../infra/db/schema";

/** Instance-wide settings as JSON values. */
export function createSettingsRepository(db: DB) {
  return {
    async get<T>(key: string, tx: DB = db): Promise<T | undefined> {
      const [row] = await tx.select().from(instanceSettings).where(eq(instanceSettings.key, key));
      return row?.value as T | undefined;
    },
    /** Stores the value unless the key exists; returns whatever value is stored afterwards. */
    async getOrInit<T>(key: string, value: T, tx: DB = db): Promise<T> {
      await tx.insert(instanceSettings).values({ key, value }).onConflictDoNothing();
      const stored = await this.get<T>(key, tx);
      return stored as T;
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
