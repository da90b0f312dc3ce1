import { describe, expect, it } from "vitest";
import { AppError } from "../lib/errors";
import { createAccessTokens } from "./access-tokens";

describe("access tokens", () => {
  const tokens = createAccessTokens("s".repeat(40), 60);
  it("round-trips the user id", async () => {
    const t = await tokens.sign({ userId: "u-1" });
    expect(await tokens.verify(t)).toEqual({ userId: "u-1" });
  });
  it("rejects tampered tokens and tokens signed with another secret", async () => {
    const t = await tokens.sign({ userId: "u-1" });
    const other = await createAccessTokens("x".repeat(40), 60).sign({ userId: "u-1" });
    for (const bad of [`${t}x`, other, "a.b.c"]) {
      await expect(tokens.verify(bad)).rejects.toMatchObject({ code: "auth.token_invalid" });
    }
    await expect(tokens.verify(other)).rejects.toBeInstanceOf(AppError);
  });
});
