import { describe, expect, it } from "vitest";
import { createChatStateCache } from "./chat-state-cache";
import type { HistoryRow } from "./chats.repository";

const facts = (id: string) => ({ id, tenantId: "t1", userId: "u1", assistantId: "a1" });
const row = (id: string, content: string, status: HistoryRow["status"] = "done"): HistoryRow => ({
  id,
  role: id.startsWith("q") ? "user" : "assistant",
  content,
  status,
});

describe("chat state cache", () => {
  it("keeps facts, and offers a history only once its running answer is final", () => {
    const cache = createChatStateCache({ historyLimit: 10 });
    expect(cache.facts("c1")).toBeUndefined();
    cache.rememberFacts(facts("c1"));
    expect(cache.facts("c1")).toMatchObject(facts("c1"));
    expect(cache.history("c1")).toBeUndefined();

    cache.rememberHistory(facts("c1"), "v1", [row("q1", "hi"), row("a1", "", "streaming")]);
    // The answer is still being written (here or by another process): read the history again.
    expect(cache.history("c1")).toBeUndefined();
    cache.updateMessage("c1", row("a1", "Hello"));
    expect(cache.history("c1")).toEqual({ version: "v1", rows: [row("q1", "hi"), row("a1", "Hello")] });
  });

  it("keeps the last `historyLimit` messages, and forgets on request", () => {
    const cache = createChatStateCache({ historyLimit: 2 });
    cache.rememberHistory(facts("c1"), "v1", [row("q1", "a"), row("a1", "b"), row("q2", "c")]);
    expect(cache.history("c1")?.rows.map((r) => r.id)).toEqual(["a1", "q2"]);
    cache.forgetHistory("c1");
    expect(cache.history("c1")).toBeUndefined();
    expect(cache.facts("c1")).toBeDefined();
    cache.forget("c1");
    expect(cache.facts("c1")).toBeUndefined();
    expect(cache.stats()).toEqual({ chats: 0, chars: 0 });
  });

  it("stays within its chat and character budgets, least recently used out first", () => {
    const cache = createChatStateCache({ historyLimit: 10, maxChats: 2, maxChars: 250 });
    cache.rememberHistory(facts("c1"), "v1", [row("q1", "x".repeat(50))]);
    cache.rememberHistory(facts("c2"), "v1", [row("q1", "y".repeat(50))]);
    expect(cache.history("c1")).toBeDefined();
    // Over the character budget: the least recently used history goes, its facts stay.
    cache.rememberHistory(facts("c2"), "v2", [row("q1", "y".repeat(50)), row("a1", "z".repeat(50))]);
    expect(cache.history("c1")).toBeUndefined();
    expect(cache.facts("c1")).toBeDefined();
    expect(cache.history("c2")?.version).toBe("v2");
    // Over the chat budget: the least recently used chat goes.
    cache.rememberFacts(facts("c3"));
    expect(cache.facts("c1")).toBeUndefined();
    expect(cache.facts("c2")).toBeDefined();
    expect(cache.stats().chars).toBeLessThanOrEqual(250);
  });
});
