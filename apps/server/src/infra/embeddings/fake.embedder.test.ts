import { describe, expect, it } from "vitest";
import { dot, EmbeddingError } from "./embeddings.types";
import { fakeEmbedder } from "./fake.embedder";
import { createEmbedder } from "./index";

describe("fakeEmbedder", () => {
  it("gives deterministic unit vectors that are closer for texts sharing words", async () => {
    const embedder = fakeEmbedder(256);
    const [reset, change, cat] = await embedder.embed([
      "How do I reset my password?",
      "Steps to reset a forgotten password",
      "The cat sat on the mat",
    ]);
    expect(reset).toHaveLength(256);
    for (const v of [reset!, change!, cat!]) expect(dot(v, v)).toBeCloseTo(1, 5);
    expect(dot(reset!, change!)).toBeGreaterThan(dot(reset!, cat!) + 0.2);
    const [again] = await fakeEmbedder(256).embed(["How do I reset my password?"]);
    expect(Array.from(again!)).toEqual(Array.from(reset!));
    expect(embedder.calls).toHaveLength(1);
  });

  it("embeds punctuation-only text and refuses blank text, like the real embedders", async () => {
    const embedder = fakeEmbedder(16);
    const [v] = await embedder.embed(["?!"]);
    expect(dot(v!, v!)).toBeCloseTo(1, 5);
    await expect(embedder.embed([" "])).rejects.toMatchObject({ code: "embeddings.bad_request" });
  });
});

describe("createEmbedder", () => {
  it("refuses an incomplete endpoint configuration and a width the local model cannot give", () => {
    expect(() => createEmbedder({ kind: "openai", model: "m" })).toThrow(EmbeddingError);
    expect(() => createEmbedder({ kind: "local", dimensions: 768 })).toThrow(/gives 512 dimensions, not 768/);
  });

  it("builds the local model by default settings without starting any worker", async () => {
    const embedder = createEmbedder({ kind: "local", workers: 1 });
    expect({ id: embedder.id, dimensions: embedder.dimensions, maxInputTokens: embedder.maxInputTokens }).toEqual({
      id: "local",
      dimensions: 512,
      maxInputTokens: 128,
    });
    await embedder.close();
  });

  it("builds an OpenAI-compatible embedder with the configured model and width", async () => {
    const embedder = createEmbedder({
      kind: "openai",
      baseUrl: "http://127.0.0.1:9/v1",
      model: "text-embedding-3-small",
      dimensions: 512,
    });
    expect({ id: embedder.id, model: embedder.model, dimensions: embedder.dimensions }).toEqual({
      id: "openai",
      model: "text-embedding-3-small",
      dimensions: 512,
    });
    expect(embedder.maxInputTokens).toBe(8191);
    await embedder.close();
  });
});
