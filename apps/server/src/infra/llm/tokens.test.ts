import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./llm.types";
import { estimatePromptTokens, estimateTokens, trimHistory } from "./tokens";

describe("estimateTokens", () => {
  it("counts about 4 Latin characters per token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd".repeat(25))).toBe(25);
  });

  it("counts Cyrillic denser than Latin (about 2.5 characters per token)", () => {
    const ru = "привет".repeat(5); // 30 letters
    expect(estimateTokens(ru)).toBe(12);
    expect(estimateTokens(ru)).toBeGreaterThan(estimateTokens("a".repeat(30)));
  });

  it("adds per-message overhead for a conversation", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "abcd" },
      { role: "user", content: "abcdabcd" },
    ];
    expect(estimatePromptTokens(messages)).toBe(1 + 4 + 2 + 4 + 2);
  });
});

describe("trimHistory", () => {
  const msg = (role: ChatMessage["role"], i: number): ChatMessage => ({
    role,
    content: `${role} ${i} ${"x".repeat(36)}`,
  });
  // Each message: 44-46 chars ≈ 12 tokens + 4 overhead ≈ 16 tokens.
  const chat: ChatMessage[] = [
    { role: "system", content: "You are helpful." },
    ...Array.from({ length: 20 }, (_, i) => msg(i % 2 === 0 ? "user" : "assistant", i)),
  ];

  it("keeps everything when it fits", () => {
    expect(trimHistory(chat, 100_000, 1000)).toEqual(chat);
  });

  it("keeps the system message and only the newest messages that fit, in order", () => {
    const trimmed = trimHistory(chat, 120, 20);
    expect(trimmed[0]).toEqual(chat[0]);
    expect(trimmed.length).toBeLessThan(chat.length);
    expect(trimmed.length).toBeGreaterThan(2);
    // The kept tail is contiguous and ends with the newest message.
    const tail = trimmed.slice(1);
    expect(tail).toEqual(chat.slice(chat.length - tail.length));
    expect(estimatePromptTokens(trimmed)).toBeLessThanOrEqual(120 - 20);
  });

  it("never starts the kept history with an assistant turn", () => {
    for (const budget of [60, 80, 100, 120, 140, 160, 200]) {
      const trimmed = trimHistory(chat, budget, 10);
      expect(trimmed.find((m) => m.role !== "system")?.role).toBe("user");
    }
  });

  it("always keeps the newest message, even alone over budget", () => {
    const huge: ChatMessage[] = [
      { role: "system", content: "s" },
      { role: "user", content: "old question" },
      { role: "user", content: "y".repeat(10_000) },
    ];
    expect(trimHistory(huge, 100, 50)).toEqual([huge[0], huge[2]]);
  });

  it("drops the oldest turns first, never a middle one", () => {
    const long = { role: "user" as const, content: "z".repeat(400) };
    const messages: ChatMessage[] = [msg("user", 0), msg("assistant", 1), long, msg("assistant", 3), msg("user", 4)];
    // The 400-character message (~104 tokens) does not fit, so the small ones before it go too
    // (they would fit, but answer a question the model would no longer see); the assistant turn
    // left at the front is dropped as well.
    expect(trimHistory(messages, 80, 0)).toEqual([messages[4]]);
  });
});
