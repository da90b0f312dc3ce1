import { afterEach, describe, expect, it, vi } from "vitest";
import { createGenerationHub, type GenerationEvent } from "./generation-hub";

describe("generation hub", () => {
  afterEach(() => vi.useRealTimers());

  it("replays text after the offset to a late watcher, then streams the rest", () => {
    const hub = createGenerationHub({ graceMs: 1000 });
    hub.start({ messageId: "m", chatId: "c", userId: "u" });
    hub.push("m", "Hello ");
    hub.push("m", "wor");
    const seen: GenerationEvent[] = [];
    hub.subscribe("m", (e) => seen.push(e), 3);
    hub.push("m", "ld");
    hub.end("m", { type: "end", status: "done" });
    expect(seen).toEqual([
      { type: "token", offset: 3, text: "lo wor" },
      { type: "token", offset: 9, text: "ld" },
      { type: "end", status: "done" },
    ]);
    expect(hub.get("m")).toBeUndefined();
  });

  it("knows which chats have an answer running, until the last one ends", () => {
    const hub = createGenerationHub({ graceMs: 1000 });
    hub.start({ messageId: "m1", chatId: "c", userId: "u" });
    hub.start({ messageId: "m2", chatId: "c", userId: "u" });
    expect(hub.isChatBusy("c")).toBe(true);
    expect(hub.isChatBusy("other")).toBe(false);
    hub.end("m1", { type: "end", status: "done" });
    expect(hub.isChatBusy("c")).toBe(true);
    hub.end("m2", { type: "end", status: "stopped" });
    hub.end("m2", { type: "end", status: "stopped" });
    expect(hub.isChatBusy("c")).toBe(false);
  });

  it("stops an answer nobody watches after the grace period, not before", () => {
    vi.useFakeTimers();
    const hub = createGenerationHub({ graceMs: 1000 });
    const g = hub.start({ messageId: "m", chatId: "c", userId: "u" });
    const off = hub.subscribe("m", () => {});
    off?.();
    vi.advanceTimersByTime(900);
    expect(g.abort.signal.aborted).toBe(false);
    // A reconnect within the grace period keeps it alive.
    const again = hub.subscribe("m", () => {});
    vi.advanceTimersByTime(5000);
    expect(g.abort.signal.aborted).toBe(false);
    again?.();
    vi.advanceTimersByTime(1001);
    expect(g.abort.signal.aborted).toBe(true);
  });

  it("stop aborts the running answer once", () => {
    const hub = createGenerationHub({ graceMs: 1000 });
    const g = hub.start({ messageId: "m", chatId: "c", userId: "u" });
    expect(hub.stop("m")).toBe(true);
    expect(g.abort.signal.aborted).toBe(true);
    hub.end("m", { type: "end", status: "stopped" });
    expect(hub.stop("m")).toBe(false);
  });
});
