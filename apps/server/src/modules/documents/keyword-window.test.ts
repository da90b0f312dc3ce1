import { describe, expect, it } from "vitest";
import { keywordWindows, withoutOverlap } from "./keyword-window";
import { chunkDocument } from "./parsing";

const chunk = (text: string, headingPath: string[], tokenCount = 100) => ({ text, headingPath, tokenCount });

describe("keyword windows", () => {
  it("grows a chunk by its neighbours of the same section, alternately before and after, within the budget", () => {
    const path = ["Guide", "Install"];
    const chunks = [chunk("one", path), chunk("two", path), chunk("three", path), chunk("four", path)];
    expect(keywordWindows(chunks, 300)).toEqual([
      "one\ntwo\nthree",
      "one\ntwo\nthree",
      "two\nthree\nfour",
      "two\nthree\nfour",
    ]);
    expect(keywordWindows(chunks, 100)).toEqual(["one", "two", "three", "four"]);
  });

  it("never crosses a level-1/2 section, but spans its sub-sections", () => {
    const chunks = [
      chunk("intro", ["Guide"]),
      chunk("install", ["Guide", "Install"]),
      chunk("maven", ["Guide", "Install", "Maven"]),
      chunk("usage", ["Guide", "Usage"]),
    ];
    expect(keywordWindows(chunks, 1000)).toEqual(["intro", "install\nmaven", "install\nmaven", "usage"]);
  });

  it("counts the chunker's overlap once", () => {
    const sentence = (i: number) => `Sentence number ${i} talks about otters and their habits at length.`;
    const text = Array.from({ length: 24 }, (_, i) => sentence(i)).join(" ");
    const chunks = chunkDocument({ blocks: [{ kind: "paragraph", text, headingPath: [] }] });
    expect(chunks.length).toBeGreaterThan(2);
    // The second chunk starts with the first one's last sentence; the window has it once.
    const firstSentences = (chunks[0]?.text ?? "").split(". ").length;
    expect(chunks[1]?.text.startsWith(sentence(firstSentences - 1))).toBe(true);
    const window = keywordWindows(chunks, 10_000)[0] as string;
    for (let i = 0; i < 24; i++) expect(window.split(sentence(i)).length - 1).toBe(1);
  });

  it("does not take a word recurring at the cut for overlap", () => {
    expect(withoutOverlap("The cells divide.", "cells are small")).toBe("cells are small");
    expect(
      withoutOverlap("First part. The repeated sentence is here.", "The repeated sentence is here. New text."),
    ).toBe("New text.");
  });
});
