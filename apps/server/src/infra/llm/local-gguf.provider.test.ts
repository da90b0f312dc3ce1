import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlmGateway } from "./gateway";
import { type GenerateRequest, LlmError, type LlmEvent, type LlmProvider } from "./llm.types";
import { createLocalGgufProvider, toLlamaChat } from "./local-gguf.provider";
import { writeTinyGguf } from "./tiny-gguf";

const request: GenerateRequest = { model: "local", messages: [{ role: "user", content: "Hello" }] };

async function firstError(stream: AsyncIterable<unknown>): Promise<LlmError> {
  try {
    for await (const _ of stream) {
      // draining
    }
  } catch (err) {
    if (err instanceof LlmError) return err;
    throw err;
  }
  throw new Error("expected the stream to fail");
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "atrium-gguf-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("local GGUF provider", () => {
  it("says LLM_MODEL_PATH points to a missing file", async () => {
    const path = join(dir, "missing.gguf");
    const error = await firstError(createLocalGgufProvider({ modelPath: path }).stream(request));
    expect(error.code).toBe("llm.unavailable");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("LLM_MODEL_PATH");
    expect(error.message).toContain(path);
    expect(error.message).toContain("does not exist");
  });

  it("refuses a directory and a file that is not GGUF", async () => {
    const text = join(dir, "model.gguf");
    await writeFile(text, "this is not a model");
    const notFile = await firstError(createLocalGgufProvider({ modelPath: dir }).stream(request));
    expect(notFile.message).toContain("is not a file");
    const notGguf = await firstError(createLocalGgufProvider({ modelPath: text }).stream(request));
    expect(notGguf.code).toBe("llm.unavailable");
    expect(notGguf.message).toContain("LLM_MODEL_PATH");
    expect(notGguf.message).toContain("not a GGUF model file");
  });

  it("explains when node-llama-cpp cannot load on this machine", async () => {
    const path = join(dir, "magic-only.gguf");
    await writeFile(path, Buffer.from("GGUF\x03\x00\x00\x00"));
    const provider = createLocalGgufProvider({
      modelPath: path,
      importModule: () => Promise.reject(new Error("no prebuilt binary for riscv")),
    });
    const error = await firstError(provider.stream(request));
    expect(error.code).toBe("llm.unavailable");
    expect(error.message).toContain("node-llama-cpp could not be loaded (no prebuilt binary for riscv)");
  });

  it("loads node-llama-cpp's prebuilt CPU binary (build: never) and reports a corrupt GGUF clearly", async () => {
    const path = join(dir, "corrupt.gguf");
    // A valid header (GGUF v3) announcing more tensors than the file holds.
    const header = Buffer.alloc(24);
    header.write("GGUF", 0, "latin1");
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(1000n, 8);
    header.writeBigUInt64LE(0n, 16);
    await writeFile(path, header);
    const provider = createLocalGgufProvider({ modelPath: path });
    const error = await firstError(provider.stream(request));
    expect(error.code).toBe("llm.unavailable");
    // Past the import and getLlama(): the failure is the model file itself.
    expect(error.message).toContain(`LLM_MODEL_PATH "${path}" could not be loaded as a model`);
    await provider.close?.();
  }, 60_000);

  it("sends earlier turns as history and the last user message as the prompt", () => {
    expect(
      toLlamaChat([
        { role: "system", content: "S" },
        { role: "user", content: "q1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "q2" },
      ]),
    ).toEqual({
      history: [
        { type: "system", text: "S" },
        { type: "user", text: "q1" },
        { type: "model", response: ["a1"] },
      ],
      prompt: "q2",
    });
  });
});

/*
 * End to end through the real node-llama-cpp with a tiny generated model (random weights, so the
 * text is gibberish; greedy sampling makes it repeatable). No real model can be downloaded here.
 */
describe("local GGUF provider with a real (tiny, generated) model", () => {
  let provider: LlmProvider;
  const ask = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    model: "tiny",
    messages: [
      { role: "system", content: "Be short." },
      { role: "user", content: "hello" },
      { role: "assistant", content: "hi" },
      { role: "user", content: "the answer" },
    ],
    temperature: 0,
    maxTokens: 12,
    ...extra,
  });
  async function run(req: GenerateRequest) {
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(req)) events.push(e);
    const text = events.flatMap((e) => (e.type === "token" ? [e.text] : [])).join("");
    return { events, text, done: events.at(-1) };
  }

  beforeAll(async () => {
    const path = join(dir, "tiny.gguf");
    await writeTinyGguf(path);
    provider = createLocalGgufProvider({ modelPath: path, contextSize: 1024, parallel: 1 });
  }, 60_000);
  afterAll(async () => {
    await provider?.close?.();
  });

  it("streams tokens, stops at maxTokens and counts tokens with the model's own meter", async () => {
    const { events, text, done } = await run(ask());
    expect(events.filter((e) => e.type === "token").length).toBeGreaterThan(1);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(done).toMatchObject({ type: "done", finishReason: "length", usage: { outputTokens: 12 } });
    expect(done?.type === "done" && done.usage.inputTokens).toBeGreaterThan(10);
    expect(provider.contextWindow("tiny")).toBe(1024);
  }, 60_000);

  it("starts each request from a clean sequence: the same request gives the same answer", async () => {
    const first = await run(ask());
    const second = await run(ask());
    expect(second.text).toBe(first.text);
  }, 60_000);

  it("queues concurrent requests beyond `parallel` and answers both", async () => {
    const [a, b] = await Promise.all([run(ask()), run(ask({ maxTokens: 5 }))]);
    expect(a.done).toMatchObject({ finishReason: "length", usage: { outputTokens: 12 } });
    expect(b.done).toMatchObject({ finishReason: "length", usage: { outputTokens: 5 } });
  }, 60_000);

  it("stops generating when the signal aborts", async () => {
    const ctl = new AbortController();
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(ask({ maxTokens: 200, signal: ctl.signal }))) {
      events.push(e);
      if (events.length === 2) ctl.abort();
    }
    const tokens = events.filter((e) => e.type === "token");
    expect(tokens.length).toBeLessThan(20);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "cancelled" });
    // The slot was released: the next request runs.
    expect((await run(ask({ maxTokens: 3 }))).done).toMatchObject({ finishReason: "length" });
  }, 60_000);

  it("works behind the gateway", async () => {
    const gateway = createLlmGateway({
      providers: new Map([["local", provider]]),
      defaultProviderId: "local",
      timeouts: { firstTokenMs: 30_000, totalMs: 60_000 },
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    const result = await gateway.complete(undefined, ask({ maxTokens: 4 }));
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(4);
    expect(result.cost).toEqual({ usd: 0, costKnown: true });
  }, 60_000);
});
