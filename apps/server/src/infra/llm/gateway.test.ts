import { describe, expect, it } from "vitest";
import { createFakeProvider, type FakeScript } from "./fake.provider";
import { createLlmGateway, type GatewayDoneEvent, type GatewayEvent, type LlmGatewayOptions } from "./gateway";
import { LlmError, type LlmProvider } from "./llm.types";

const req = (signal?: AbortSignal) => ({
  model: "m1",
  messages: [{ role: "user" as const, content: "Hello there" }],
  signal,
});

function setup(script: FakeScript | FakeScript[], overrides: Partial<LlmGatewayOptions> = {}, provider?: LlmProvider) {
  const fake = createFakeProvider({ id: "p", script });
  const delays: number[] = [];
  const gateway = createLlmGateway({
    providers: new Map([["p", provider ?? fake]]),
    defaultProviderId: "p",
    timeouts: { firstTokenMs: 2000, totalMs: 5000 },
    retry: { attempts: 3, baseDelayMs: 100 },
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...overrides,
  });
  return { fake, gateway, delays };
}

async function collect(events: AsyncIterable<GatewayEvent>, onToken?: (n: number) => void) {
  const tokens: string[] = [];
  let done: GatewayDoneEvent | undefined;
  let error: LlmError | undefined;
  try {
    for await (const e of events) {
      if (e.type === "token") {
        tokens.push(e.text);
        onToken?.(tokens.length);
      } else done = e;
    }
  } catch (err) {
    if (!(err instanceof LlmError)) throw err;
    error = err;
  }
  return { tokens, done, error };
}

const fail = (afterTokens: number, code: LlmError["code"], extra: Partial<NonNullable<FakeScript["fail"]>> = {}) => ({
  afterTokens,
  code,
  ...extra,
});

describe("llm gateway", () => {
  it("streams the provider's tokens and ends with usage, latency and attempts", async () => {
    const { gateway, fake } = setup({ tokens: ["Hel", "lo", "!"], usage: { inputTokens: 11, outputTokens: 3 } });
    const { tokens, done, error } = await collect(gateway.stream(undefined, req()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["Hel", "lo", "!"]);
    expect(done).toMatchObject({
      usage: { inputTokens: 11, outputTokens: 3 },
      finishReason: "stop",
      providerId: "p",
      model: "m1",
      attempts: 1,
      cost: { usd: 0, costKnown: true },
    });
    expect(done?.latency.firstTokenMs).not.toBeNull();
    expect(done?.latency.totalMs).toBeGreaterThanOrEqual(done?.latency.firstTokenMs ?? 0);
    // A finished answer leaves nothing upstream to stop (aborting costs a DOMException per message).
    expect(fake.calls[0]?.signal?.aborted).toBe(false);
  });

  it("retries retryable errors before the first token, with exponential backoff", async () => {
    const { gateway, fake, delays } = setup([
      { tokens: [], fail: fail(0, "llm.rate_limited") },
      { tokens: [], fail: fail(0, "llm.unavailable") },
      { tokens: ["ok"] },
    ]);
    const { tokens, done, error } = await collect(gateway.stream("p", req()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["ok"]);
    expect(fake.calls).toHaveLength(3);
    expect(done?.attempts).toBe(3);
    // random() = 0.5: half the exponential step plus a quarter of it.
    expect(delays).toEqual([75, 150]);
  });

  it("waits at least as long as the provider's Retry-After", async () => {
    const { gateway, delays } = setup([
      { tokens: [], fail: fail(0, "llm.rate_limited", { retryAfterMs: 1200 }) },
      { tokens: ["ok"] },
    ]);
    const { tokens } = await collect(gateway.stream("p", req()));
    expect(tokens).toEqual(["ok"]);
    expect(delays).toEqual([1200]);
  });

  it("gives up with the rate-limit error when Retry-After exceeds the time left", async () => {
    const { gateway, fake } = setup([
      { tokens: [], fail: fail(0, "llm.rate_limited", { retryAfterMs: 60_000 }) },
      { tokens: ["ok"] },
    ]);
    const { error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.rate_limited");
    expect(fake.calls).toHaveLength(1);
  });

  it("never retries once a token was streamed, so text is never duplicated", async () => {
    const { gateway, fake, delays } = setup([
      { tokens: ["a", "b", "c"], fail: fail(2, "llm.unavailable") },
      { tokens: ["x"] },
    ]);
    const { tokens, done, error } = await collect(gateway.stream("p", req()));
    expect(tokens).toEqual(["a", "b"]);
    expect(done).toBeUndefined();
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.usage?.outputTokens).toBeGreaterThan(0);
    expect(fake.calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("does not retry errors that are not retryable", async () => {
    const { gateway, fake } = setup([{ tokens: [], fail: fail(0, "llm.auth_failed") }, { tokens: ["x"] }]);
    const { error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.auth_failed");
    expect(fake.calls).toHaveLength(1);
  });

  it("stops after the configured number of attempts with the last error", async () => {
    const { gateway, fake, delays } = setup({
      tokens: [],
      fail: fail(0, "llm.unavailable", { message: "upstream 503" }),
    });
    const { error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.message).toBe("upstream 503");
    expect(fake.calls).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it("fails an attempt that sends no first token in time, and retries it", async () => {
    const { gateway, fake } = setup([{ tokens: [], hang: "until-abort" }, { tokens: ["late", " but fine"] }], {
      timeouts: { firstTokenMs: 50, totalMs: 5000 },
    });
    const started = Date.now();
    const { tokens, done } = await collect(gateway.stream("p", req()));
    expect(tokens).toEqual(["late", " but fine"]);
    expect(done?.attempts).toBe(2);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reports llm.timeout when no attempt produces a first token", async () => {
    const { gateway } = setup(
      { tokens: [], hang: "until-abort" },
      { timeouts: { firstTokenMs: 30, totalMs: 5000 }, retry: { attempts: 2, baseDelayMs: 1 } },
    );
    const { error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.timeout");
    expect(error?.message).toContain("sent nothing within");
  });

  it("times out even a provider that ignores its abort signal", async () => {
    const { gateway } = setup(
      { tokens: [], hang: "forever" },
      { timeouts: { firstTokenMs: 40, totalMs: 5000 }, retry: { attempts: 1, baseDelayMs: 1 } },
    );
    const started = Date.now();
    const { error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.timeout");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("enforces the total timeout after streaming started, without retrying", async () => {
    const { gateway, fake } = setup(
      { tokens: Array.from({ length: 50 }, (_, i) => `t${i} `), delayMs: 20 },
      {
        timeouts: { firstTokenMs: 1000, totalMs: 150 },
      },
    );
    const { tokens, error } = await collect(gateway.stream("p", req()));
    expect(error?.code).toBe("llm.timeout");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toContain("did not finish the answer");
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.length).toBeLessThan(50);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
  });

  it("ends with finishReason cancelled when the user stops, keeping what was streamed", async () => {
    const ctl = new AbortController();
    const { gateway, fake } = setup({ tokens: ["one ", "two ", "three ", "four "], delayMs: 10 });
    const { tokens, done, error } = await collect(gateway.stream("p", req(ctl.signal)), (n) => {
      if (n === 2) ctl.abort();
    });
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["one ", "two "]);
    expect(done?.finishReason).toBe("cancelled");
    expect(done?.usage.outputTokens).toBeGreaterThan(0);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
  });

  it("cancels promptly while waiting to retry", async () => {
    const ctl = new AbortController();
    const { gateway, fake } = setup(
      [{ tokens: [], fail: fail(0, "llm.rate_limited", { retryAfterMs: 3000 }) }, { tokens: ["x"] }],
      {
        sleep: undefined,
      },
    );
    setTimeout(() => ctl.abort(), 30);
    const started = Date.now();
    const { tokens, done } = await collect(gateway.stream("p", req(ctl.signal)));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(tokens).toEqual([]);
    expect(done?.finishReason).toBe("cancelled");
    expect(fake.calls).toHaveLength(1);
  });

  it("does not call the provider when the request is already cancelled", async () => {
    const ctl = new AbortController();
    ctl.abort();
    const { gateway } = setup({ tokens: ["never"] });
    const { tokens, done } = await collect(gateway.stream("p", req(ctl.signal)));
    expect(tokens).toEqual([]);
    expect(done?.finishReason).toBe("cancelled");
  });

  it("aborts the upstream request when the consumer stops reading", async () => {
    const { gateway, fake } = setup({ tokens: ["a", "b", "c", "d"], delayMs: 5 });
    for await (const e of gateway.stream("p", req())) {
      if (e.type === "token") break;
    }
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
  });

  it("prices hosted providers from the table and says when the price is unknown", async () => {
    const fake = createFakeProvider({
      id: "hosted",
      script: { tokens: ["x"], usage: { inputTokens: 2_000_000, outputTokens: 1_000_000 } },
    });
    const hosted: LlmProvider = { ...fake, id: "hosted", kind: "openai" };
    const gateway = createLlmGateway({
      providers: new Map([["hosted", hosted]]),
      defaultProviderId: "hosted",
      timeouts: { firstTokenMs: 1000, totalMs: 2000 },
      retry: { attempts: 1, baseDelayMs: 1 },
      prices: { m1: { inputPer1M: 1, outputPer1M: 4 } },
    });
    expect((await gateway.complete(undefined, req())).cost).toEqual({ usd: 6, costKnown: true });
    expect((await gateway.complete(undefined, { ...req(), model: "m2" })).cost).toEqual({ usd: 0, costKnown: false });
  });

  it("collects a whole answer with complete()", async () => {
    const { gateway } = setup({ tokens: ["The ", "answer"] });
    const result = await gateway.complete("p", req());
    expect(result.text).toBe("The answer");
    expect(result.finishReason).toBe("stop");
  });

  it("rejects an unknown provider with a clear error", async () => {
    const { gateway } = setup({ tokens: ["x"] });
    const { error } = await collect(gateway.stream("nope", req()));
    expect(error?.code).toBe("llm.bad_request");
    expect(error?.message).toContain('"nope"');
  });
});
