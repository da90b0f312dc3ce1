import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { createFakeProvider, type FakeScript } from "../src/infra/llm/fake.provider";
import type { GenerateRequest } from "../src/infra/llm/llm.types";
import type { TestApp } from "./harness";

/** The fake model answers according to keywords in the last user message. */
export function scriptedFake() {
  const lastUser = (req: GenerateRequest) => [...req.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  return createFakeProvider({
    id: "fake",
    models: ["fake-1"],
    contextWindow: 8192,
    script: (req): FakeScript => {
      const q = lastUser(req);
      if (q.includes("fail-mid"))
        return { tokens: ["partial "], fail: { afterTokens: 1, code: "llm.unavailable", retryable: false } };
      if (q.includes("slow")) return { tokens: ["one ", "two ", "three "], delayMs: 30, hang: "until-abort" };
      if (q.includes("long")) return { tokens: Array.from({ length: 40 }, (_, i) => `w${i} `), delayMs: 25 };
      return { tokens: ["Hel", "lo", " there"], usage: { inputTokens: 12, outputTokens: 3 } };
    },
  });
}

/** Listens on a random local port and returns its base URL. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return `127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

export type Ev = { type: string; [k: string]: unknown };

/** A WebSocket client that queues server events and waits for the ones a test expects. */
export async function openSocket(host: string, token?: string) {
  const ws = new WebSocket(`ws://${host}/ws/chat`, token ? ["atrium", `bearer.${token}`] : ["atrium"]);
  const events: Ev[] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (raw) => {
    events.push(JSON.parse(raw.toString()) as Ev);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const client = {
    ws,
    events,
    send: (msg: unknown) => ws.send(JSON.stringify(msg)),
    /** Waits until an event matches (checking ones already received), up to `ms`. */
    async waitFor(pred: (e: Ev) => boolean, ms = 10_000): Promise<Ev> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`timed out; events: ${JSON.stringify(events).slice(0, 800)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        if (ws.readyState === ws.CLOSED) return r();
        ws.once("close", () => r());
        ws.close();
      }),
  };
  return client;
}

/** Reads a whole SSE response into a list of {event, data}. */
export async function readSse(res: Response): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? "message";
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "{}") as Record<string, unknown>;
      return { event, data };
    });
}
