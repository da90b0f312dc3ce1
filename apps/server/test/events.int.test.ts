import type { Document } from "@atrium/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createPgNotifyBus, type EventBus } from "../src/infra/events/pg-notify";
import { createDocumentEvents } from "../src/modules/documents/document-events";

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn("[tests] Postgres event bus skipped: set TEST_DATABASE_URL to run it.");

/** Resolves with the first event a subscriber gets, or undefined after `ms`. */
function next<T>(subscribe: (fn: (v: T) => void) => unknown, ms = 3000): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    subscribe((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe.runIf(url)("events across processes (PostgreSQL LISTEN/NOTIFY)", () => {
  const buses: EventBus[] = [];
  const bus = () => {
    const b = createPgNotifyBus(url as string);
    buses.push(b);
    return b;
  };
  afterAll(async () => {
    for (const b of buses) await b.close();
  });

  it("delivers an event to the other processes, not back to its sender", async () => {
    const channel = `atrium_test_${crypto.randomUUID().slice(0, 8)}`;
    const [a, b] = [bus(), bus()];
    const atA = next<unknown>((fn) => a.subscribe(channel, fn), 1500);
    const atB = next<unknown>((fn) => b.subscribe(channel, fn));
    await Promise.all([a.ready(), b.ready()]);
    await new Promise((r) => setTimeout(r, 100)); // the LISTEN after connecting
    await a.publish(channel, { hello: "world" });
    expect(await atB).toEqual({ hello: "world" });
    expect(await atA).toBeUndefined();
  });

  it("drops an event too big for NOTIFY instead of failing the sender", async () => {
    const channel = `atrium_test_${crypto.randomUUID().slice(0, 8)}`;
    const [a, b] = [bus(), bus()];
    const atB = next<unknown>((fn) => b.subscribe(channel, fn), 1500);
    await b.ready();
    await new Promise((r) => setTimeout(r, 100));
    await expect(a.publish(channel, { text: "x".repeat(10_000) })).resolves.toBeUndefined();
    expect(await atB).toBeUndefined();
  });

  it("brings a worker's document progress to the sockets of another process", async () => {
    const [worker, api] = [createDocumentEvents(bus()), createDocumentEvents(bus())];
    const tenantId = crypto.randomUUID();
    const other = next<Document>((fn) => api.subscribe(crypto.randomUUID(), fn), 1500);
    const seen = next<Document>((fn) => api.subscribe(tenantId, fn));
    await Promise.all(buses.slice(-2).map((b) => b.ready()));
    await new Promise((r) => setTimeout(r, 100));
    const doc = { id: crypto.randomUUID(), tenantId, status: "processing", progress: 40 } as unknown as Document;
    worker.publish(doc);
    expect(await seen).toMatchObject({ id: doc.id, progress: 40 });
    expect(await other).toBeUndefined();
  });
});
