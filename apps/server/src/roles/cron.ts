import type { Container } from "../container";

const HOUR = 3_600_000;

/** The cron role: periodic maintenance. Deleting expired refresh tokens is idempotent, so replicas are safe. */
export async function startCron(container: Container): Promise<() => Promise<void>> {
  const purge = async () => {
    const deleted = await container.database.scoped({ bypass: true }, (tx) =>
      container.repos.refreshTokens.purge(new Date(Date.now() - 7 * 24 * HOUR), tx),
    );
    if (deleted > 0) console.log(`cron: purged ${deleted} old refresh tokens`);
  };
  const timer = setInterval(() => void purge().catch((err) => console.error("cron: purge failed", err)), HOUR);
  timer.unref();
  return async () => clearInterval(timer);
}
