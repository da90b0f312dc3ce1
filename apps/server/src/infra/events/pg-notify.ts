import { randomUUID } from "node:crypto";
import pg from "pg";

/** Postgres NOTIFY carries at most 8000 bytes; bigger events are left to the readers' polling. */
const MAX_PAYLOAD = 7900;
const RECONNECT_MS = 2000;

export interface EventBus {
  /** Tells the other processes; never throws (an event is a hint, the database stays the truth). */
  publish(channel: string, payload: unknown): Promise<void>;
  /** Events of other processes on a channel (this process's own are not echoed back). */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
  /** Resolves once this process listens (tests; events published earlier are not received). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Cross-process events over PostgreSQL LISTEN/NOTIFY, for deployments with several processes on
 * one database (API replicas, separate workers): nothing to run besides the database. One
 * listening connection per process, re-established after a failure.
 */
export function createPgNotifyBus(url: string, onError: (err: Error) => void = () => {}): EventBus {
  const origin = randomUUID();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const publisher = new pg.Pool({ connectionString: url, max: 1 });
  publisher.on("error", onError);
  let listener: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const quoted = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  function connect(): Promise<void> {
    connecting ??= (async () => {
      const client = new pg.Client({ connectionString: url });
      client.on("notification", (msg) => {
        if (!msg.payload) return;
        let event: { origin: string; payload: unknown };
        try {
          event = JSON.parse(msg.payload);
        } catch {
          return;
        }
        if (event.origin === origin) return;
        for (const fn of listeners.get(msg.channel) ?? []) fn(event.payload);
      });
      client.on("error", (err) => {
        onError(err);
        listener = undefined;
        connecting = undefined;
        client.end().catch(() => undefined);
        if (!closed) setTimeout(() => void connect().catch(onError), RECONNECT_MS).unref();
      });
      await client.connect();
      for (const channel of listeners.keys()) await client.query(`LISTEN ${quoted(channel)}`);
      listener = client;
    })().catch((err) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  }

  return {
    async publish(channel, payload) {
      const text = JSON.stringify({ origin, payload });
      if (closed || Buffer.byteLength(text) > MAX_PAYLOAD) return;
      await publisher.query("select pg_notify($1, $2)", [channel, text]).then(
        () => undefined,
        (err: Error) => onError(err),
      );
    },
    subscribe(channel, fn) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        void connect()
          .then(() => listener?.query(`LISTEN ${quoted(channel)}`))
          .catch(onError);
      }
      set.add(fn);
      return () => set?.delete(fn);
    },
    ready: () => connect(),
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await publisher.end().catch(() => undefined);
    },
  };
}
