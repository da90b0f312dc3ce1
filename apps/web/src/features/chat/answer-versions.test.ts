import type { Message } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { groupAnswers } from "./answer-versions";

const msg = (id: string, role: Message["role"]) => ({ id, role }) as Message;

describe("answer versions", () => {
  it("groups the answers regenerated for one question, and nothing else", () => {
    const rows = groupAnswers([
      msg("q1", "user"),
      msg("a1", "assistant"),
      msg("q2", "user"),
      msg("a2", "assistant"),
      msg("a2b", "assistant"),
      msg("a2c", "assistant"),
    ]);
    expect(rows.map((r) => [r.message.id, r.answers.map((a) => a.id)])).toEqual([
      ["q1", []],
      ["a1", ["a1"]],
      ["q2", []],
      ["a2", ["a2", "a2b", "a2c"]],
    ]);
  });
});
