import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider, toAnthropicMessages } from "./anthropic.provider";
import { createLlmGateway, type GatewayDoneEvent, type GatewayEvent } from "./gateway";
import { type GenerateRequest, LlmError, type LlmEvent } from "./llm.types";
import { pause, sendEvent, startTestHttpServer, type TestHttpServer } from "./test-http-server";

function start(res: ServerResponse, inputTokens = 25) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  sendEvent(
    res,
    {
      type: "message_start",
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [],
        model: "claude-test",
        stop_reason: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    },
    "message_start",
  );
  sendEvent(
    res,
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    "content_block_start",
  );
  sendEvent(res, { type: "ping" }, "ping");
}

const delta = (res: ServerResponse, text: string) =>
  sendEvent(res, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }, "content_block_delta");

function finish(res: ServerResponse, stopReason: string, outputTokens: number) {
  sendEvent(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
  sendEvent(
    res,
    {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    },
    "message_delta",
  );
  sendEvent(res, { type: "message_stop" }, "message_stop");
  res.end();
}

function answer(res: ServerResponse, parts: string[], stopReason = "end_turn") {
  start(res);
  for (const p of parts) delta(res, p);
  finish(res, stopReason, 15);
}

function apiError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

const request = (signal?: AbortSignal, maxTokens?: number): GenerateRequest => ({
  model: "claude-test",
  messages: [
    { role: "system", content: "You answer in one line." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello!" },
    { role: "user", content: "Say something" },
  ],
  temperature: 0.5,
  maxTokens,
  signal,
});

async function collect(events: AsyncIterable<LlmEvent | GatewayEvent>) {
  const tokens: string[] = [];
  let done: (LlmEvent & { type: "done" }) | undefined;
  let error: LlmError | undefined;
  try {
    for await (const e of events) {
      if (e.type === "token") tokens.push(e.text);
      else done = e;
    }
  } catch (err) {
    if (!(err instanceof LlmError)) throw err;
    error = err;
  }
  return { tokens, done, error };
}

const gatewayFor = (server: TestHttpServer) =>
  createLlmGateway({
    providers: new Map([["anthropic", createAnthropicProvider({ apiKey: "k", baseURL: server.url })]]),
    defaultProviderId: "anthropic",
    timeouts: { firstTokenMs: 5000, totalMs: 10_000 },
    retry: { attempts: 3, baseDelayMs: 5 },
  });

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("toAnthropicMessages", () => {
  it("puts system text apart, merges same-role turns and starts with the user", () => {
    expect(
      toAnthropicMessages([
        { role: "system", content: "S1" },
        { role: "assistant", content: "greeting" },
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        { role: "system", content: "S2" },
        { role: "assistant", content: "c" },
      ]),
    ).toEqual({
      system: "S1\n\nS2",
      messages: [
        { role: "user", content: "a\n\nb" },
        { role: "assistant", content: "c" },
      ],
    });
  });
});

describe("Anthropic provider against a real SSE server", () => {
  it("streams text deltas, sends the Messages API request, and reports usage", async () => {
    server = await startTestHttpServer((_req, res) => answer(res, ["Sun", "ny ", "day"]));
    const provider = createAnthropicProvider({ apiKey: "sk-ant-test", baseURL: `${server.url}/` });
    const { tokens, done, error } = await collect(provider.stream(request(undefined, 100)));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["Sun", "ny ", "day"]);
    expect(done).toEqual({ type: "done", usage: { inputTokens: 25, outputTokens: 15 }, finishReason: "stop" });

    const sent = server.requests[0];
    expect(sent?.url).toBe("/v1/messages");
    expect(sent?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(sent?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent?.body).toEqual({
      model: "claude-test",
      max_tokens: 100,
      system: "You answer in one line.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "Say something" },
      ],
      temperature: 0.5,
      stream: true,
    });
  });

  it("reports max_tokens as finishReason length and always sends max_tokens", async () => {
    server = await startTestHttpServer((_req, res) => answer(res, ["cut"], "max_tokens"));
    const provider = createAnthropicProvider({ apiKey: "k", baseURL: server.url, defaultMaxTokens: 321 });
    const { done } = await collect(provider.stream(request()));
    expect(done?.finishReason).toBe("length");
    expect(server.requests[0]?.body).toMatchObject({ max_tokens: 321 });
  });

  it("maps HTTP errors to LlmError codes", async () => {
    const cases: [number, string][] = [
      [401, "authentication_error"],
      [400, "invalid_request_error"],
      [429, "rate_limit_error"],
      [529, "overloaded_error"],
    ];
    server = await startTestHttpServer((_req, res, i) => {
      const [status, type] = cases[i] ?? [500, "api_error"];
      apiError(res, status, type, `${type} happened`, status === 429 ? { "retry-after": "3" } : {});
    });
    const provider = createAnthropicProvider({ apiKey: "bad", baseURL: server.url });
    const results = [];
    for (const _ of cases) results.push((await collect(provider.stream(request()))).error);
    expect(results.map((e) => [e?.code, e?.retryable])).toEqual([
      ["llm.auth_failed", false],
      ["llm.bad_request", false],
      ["llm.rate_limited", true],
      ["llm.unavailable", true],
    ]);
    expect(results[1]?.message).toContain("invalid_request_error happened");
    expect(results[2]?.retryAfterMs).toBe(3000);
  });

  it("through the gateway: a 429 is retried and the second answer streams", async () => {
    server = await startTestHttpServer((_req, res, i) => {
      if (i === 0)
        return apiError(res, 429, "rate_limit_error", "Number of requests has exceeded your rate limit", {
          "retry-after": "0",
        });
      answer(res, ["second ", "try"]);
    });
    const { tokens, done, error } = await collect(gatewayFor(server).stream(undefined, request()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["second ", "try"]);
    expect((done as GatewayDoneEvent).attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("through the gateway: an error event after some text fails the answer without a retry", async () => {
    server = await startTestHttpServer((_req, res) => {
      start(res);
      delta(res, "Half ");
      delta(res, "an answer");
      sendEvent(res, { type: "error", error: { type: "api_error", message: "Internal server error" } }, "error");
      res.end();
    });
    const { tokens, done, error } = await collect(gatewayFor(server).stream(undefined, request()));
    expect(tokens).toEqual(["Half ", "an answer"]);
    expect(done).toBeUndefined();
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.status).toBe(500);
    expect(error?.message).toContain("Internal server error");
    expect(server.requests).toHaveLength(1);
  });

  it("through the gateway: an overloaded error before any text is retried", async () => {
    server = await startTestHttpServer((_req, res, i) => {
      if (i === 0) {
        start(res);
        sendEvent(res, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error");
        return res.end();
      }
      answer(res, ["fine"]);
    });
    const { tokens, error } = await collect(gatewayFor(server).stream(undefined, request()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["fine"]);
    expect(server.requests).toHaveLength(2);
  });

  it("treats a stream that ends without message_stop as broken off", async () => {
    server = await startTestHttpServer((_req, res) => {
      start(res);
      delta(res, "never finished");
      res.end();
    });
    const provider = createAnthropicProvider({ apiKey: "k", baseURL: server.url });
    const { tokens, done, error } = await collect(provider.stream(request()));
    expect(tokens).toEqual(["never finished"]);
    expect(done).toBeUndefined();
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.message).toContain("broke off");
  });

  it("stops and closes the upstream connection when the signal aborts", async () => {
    server = await startTestHttpServer(async (_req, res) => {
      start(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        delta(res, `w${i} `);
        await pause(10);
      }
      finish(res, "end_turn", 100);
    });
    const provider = createAnthropicProvider({ apiKey: "k", baseURL: server.url });
    const ctl = new AbortController();
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(request(ctl.signal))) {
      events.push(e);
      if (events.length === 2) ctl.abort();
    }
    expect(events.filter((e) => e.type === "token").length).toBeLessThanOrEqual(3);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "cancelled", usage: { inputTokens: 25 } });
    await server.clientGone(0);
  });

  it("lists models", async () => {
    server = await startTestHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          data: [
            { id: "claude-a", type: "model" },
            { id: "claude-b", type: "model" },
          ],
          has_more: false,
        }),
      );
    });
    const provider = createAnthropicProvider({ apiKey: "k", baseURL: server.url });
    expect(await provider.listModels?.()).toEqual(["claude-a", "claude-b"]);
    expect(server.requests[0]?.headers["x-api-key"]).toBe("k");
    expect(provider.contextWindow("claude-anything")).toBe(200_000);
  });
});
