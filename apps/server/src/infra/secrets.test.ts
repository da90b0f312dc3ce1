import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secrets";

describe("secret box", () => {
  it("round-trips and never stores the plain text", () => {
    const box = createSecretBox("k".repeat(32));
    const sealed = box.seal("sk-live-123");
    expect(sealed).not.toContain("sk-live-123");
    expect(box.open(sealed)).toBe("sk-live-123");
    expect(box.seal("sk-live-123")).not.toBe(sealed);
  });
  it("refuses another key and tampering", () => {
    const sealed = createSecretBox("a".repeat(32)).seal("secret");
    expect(() => createSecretBox("b".repeat(32)).open(sealed)).toThrow();
    expect(() => createSecretBox("a".repeat(32)).open(`${sealed.slice(0, -2)}xx`)).toThrow();
  });
});
