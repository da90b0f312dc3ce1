import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLlmGateway, type GatewayDoneEvent } from "./gateway";
import { type GenerateRequest, LlmError, type LlmEvent } from "./llm.types";
import { createOpenAiCompatibleProvider } from "./openai-compatible.provider";
import { pause, type RecordedRequest, sendEvent, startTestHttpServer, type TestHttpServer } from "./test-http-server";

/** One chat-completions chunk as OpenAI streams it. */
const chunk = (content: string | null, finish: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "test-model",
  choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
});

function openStream(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sendEvent(res, {
    ...chunk(null),
    choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
  });
}

/** A well-behaved streaming answer; usage only when the client asked for it, like OpenAI. */
function streamAnswer(req: RecordedRequest, res: ServerResponse, parts: string[], finish = "stop") {
  openStream(res);
  for (const p of parts) sendEvent(res, chunk(p));
  sendEvent(res, chunk(null, finish));
  const body = req.body as { stream_options?: { include_usage?: boolean } };
  if (body.stream_options?.include_usage) {
    sendEvent(res, {
      ...chunk(null),
      choices: [],
      usage: { prompt_tokens: 21, completion_tokens: parts.length, total_tokens: 21 + parts.length },
    });
  }
  sendEvent(res, "[DONE]");
  res.end();
}

function jsonError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, type: "test_error", code: null } }));
}

const request = (signal?: AbortSignal): GenerateRequest => ({
  model: "test-model",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Say hello" },
  ],
  temperature: 0.2,
  maxTokens: 64,
  signal,
});

async function collect(events: AsyncIterable<LlmEvent | { type: "token"; text: string } | GatewayDoneEvent>) {
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

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("OpenAI-compatible provider against a real SSE server", () => {
  it("streams tokens, sends the request OpenAI expects, and reports the server's usage", async () => {
    server = await startTestHttpServer((req, res) => streamAnswer(req, res, ["Hel", "lo", " world"]));
    const provider = createOpenAiCompatibleProvider({ id: "openai", baseURL: `${server.url}/v1`, apiKey: "sk-test" });
    const { tokens, done, error } = await collect(provider.stream(request()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["Hel", "lo", " world"]);
    expect(done).toEqual({ type: "done", usage: { inputTokens: 21, outputTokens: 3 }, finishReason: "stop" });

    const sent = server.requests[0];
    expect(sent?.method).toBe("POST");
    expect(sent?.url).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe("Bearer sk-test");
    expect(sent?.body).toMatchObject({
      model: "test-model",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 64,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    });
  });

  it("works without an API key (Ollama, LM Studio) and estimates usage the server does not give", async () => {
    server = await startTestHttpServer((_req, res) => {
      openStream(res);
      sendEvent(res, chunk("abcdabcdabcd"));
      sendEvent(res, chunk(null, "length"));
      sendEvent(res, "[DONE]");
      res.end();
    });
    const provider = createOpenAiCompatibleProvider({ id: "ollama", baseURL: `${server.url}/v1` });
    const { tokens, done } = await collect(provider.stream(request()));
    expect(tokens).toEqual(["abcdabcdabcd"]);
    expect(done?.finishReason).toBe("length");
    expect(done?.usage.outputTokens).toBe(3);
    expect(done?.usage.inputTokens).toBeGreaterThan(5);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer not-needed");
  });

  it("drops stream_options for servers that reject it, and remembers that", async () => {
    server = await startTestHttpServer((req, res) => {
      if ((req.body as Record<string, unknown>).stream_options)
        return jsonError(res, 400, "Unrecognized request argument supplied: stream_options");
      streamAnswer(req, res, ["ok"]);
    });
    const provider = createOpenAiCompatibleProvider({ id: "old", baseURL: `${server.url}/v1` });
    expect((await collect(provider.stream(request()))).tokens).toEqual(["ok"]);
    expect((await collect(provider.stream(request()))).tokens).toEqual(["ok"]);
    expect(server.requests.map((r) => "stream_options" in (r.body as object))).toEqual([true, false, false]);
  });

  it("maps HTTP failures to LlmError codes with clear messages", async () => {
    const statuses = [401, 404, 429, 500, 503];
    server = await startTestHttpServer((_req, res, i) =>
      jsonError(res, statuses[i] ?? 500, `failure ${statuses[i]}`, statuses[i] === 429 ? { "retry-after": "2" } : {}),
    );
    const provider = createOpenAiCompatibleProvider({ id: "openai", baseURL: `${server.url}/v1`, apiKey: "bad" });
    const errors: LlmError[] = [];
    for (const _ of statuses) {
      const { error } = await collect(provider.stream(request()));
      if (error) errors.push(error);
    }
    expect(errors.map((e) => [e.code, e.status, e.retryable])).toEqual([
      ["llm.auth_failed", 401, false],
      ["llm.bad_request", 404, false],
      ["llm.rate_limited", 429, true],
      ["llm.unavailable", 500, true],
      ["llm.unavailable", 503, true],
    ]);
    expect(errors[0]?.message).toContain("Admin → Providers");
    expect(errors[1]?.message).toContain("Check the model name");
    expect(errors[2]?.retryAfterMs).toBe(2000);
    expect(errors[3]?.message).toContain('"openai"');
    expect(errors[3]?.message).toContain("failure 500");
    // The client itself must not retry: one HTTP request per call.
    expect(server.requests).toHaveLength(statuses.length);
  });

  it("says which address it could not reach", async () => {
    const closed = await startTestHttpServer(() => {});
    const url = closed.url;
    await closed.close();
    const provider = createOpenAiCompatibleProvider({ id: "vllm", baseURL: `${url}/v1` });
    const { error } = await collect(provider.stream(request()));
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.message).toContain(`${url}/v1`);
    expect(error?.retryable).toBe(true);
  });

  it("through the gateway: a 429 is retried and the second answer streams", async () => {
    server = await startTestHttpServer((req, res, i) => {
      if (i === 0) return jsonError(res, 429, "Rate limit reached for requests", { "retry-after-ms": "20" });
      streamAnswer(req, res, ["after", " retry"]);
    });
    const provider = createOpenAiCompatibleProvider({ id: "openai", baseURL: `${server.url}/v1`, apiKey: "k" });
    const gateway = createLlmGateway({
      providers: new Map([["openai", provider]]),
      defaultProviderId: "openai",
      timeouts: { firstTokenMs: 5000, totalMs: 10_000 },
      retry: { attempts: 3, baseDelayMs: 5 },
      prices: { "test-model": { inputPer1M: 1, outputPer1M: 2 } },
    });
    const { tokens, done, error } = await collect(gateway.stream(undefined, request()));
    expect(error).toBeUndefined();
    expect(tokens).toEqual(["after", " retry"]);
    expect(server.requests).toHaveLength(2);
    const final = done as GatewayDoneEvent;
    expect(final.attempts).toBe(2);
    expect(final.usage).toEqual({ inputTokens: 21, outputTokens: 2 });
    expect(final.cost).toEqual({ usd: 0.000025, costKnown: true });
  });

  it("through the gateway: an error event mid-stream fails the answer without a retry", async () => {
    server = await startTestHttpServer((_req, res) => {
      openStream(res);
      sendEvent(res, chunk("partial "));
      sendEvent(res, chunk("answer"));
      sendEvent(res, { error: { message: "Internal server error", type: "InternalServerError", code: 500 } });
      res.end();
    });
    const provider = createOpenAiCompatibleProvider({ id: "vllm", baseURL: `${server.url}/v1` });
    const gateway = createLlmGateway({
      providers: new Map([["vllm", provider]]),
      defaultProviderId: "vllm",
      timeouts: { firstTokenMs: 5000, totalMs: 10_000 },
      retry: { attempts: 3, baseDelayMs: 5 },
    });
    const { tokens, done, error } = await collect(gateway.stream("vllm", request()));
    expect(tokens).toEqual(["partial ", "answer"]);
    expect(done).toBeUndefined();
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.message).toContain("Internal server error");
    expect(error?.usage?.outputTokens).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
  });

  it("a connection dropped mid-stream is a clear llm.unavailable", async () => {
    server = await startTestHttpServer(async (_req, res) => {
      openStream(res);
      sendEvent(res, chunk("cut "));
      await pause(20);
      res.socket?.destroy();
    });
    const provider = createOpenAiCompatibleProvider({ id: "openai", baseURL: `${server.url}/v1` });
    const { tokens, error } = await collect(provider.stream(request()));
    expect(tokens).toEqual(["cut "]);
    expect(error?.code).toBe("llm.unavailable");
    expect(error?.message).toContain("broke off");
  });

  it("stops and closes the upstream connection when the signal aborts", async () => {
    server = await startTestHttpServer(async (_req, res) => {
      openStream(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        sendEvent(res, chunk(`t${i} `));
        await pause(10);
      }
      res.end();
    });
    const provider = createOpenAiCompatibleProvider({ id: "openai", baseURL: `${server.url}/v1` });
    const ctl = new AbortController();
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(request(ctl.signal))) {
      events.push(e);
      if (events.length === 3) ctl.abort();
    }
    expect(events.filter((e) => e.type === "token").length).toBeLessThanOrEqual(4);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "cancelled" });
    await server.clientGone(0);
  });

  it("lists the server's models and knows common context windows", async () => {
    server = await startTestHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: [
            { id: "b-model", object: "model" },
            { id: "a-model", object: "model" },
          ],
        }),
      );
    });
    const provider = createOpenAiCompatibleProvider({
      id: "x",
      baseURL: `${server.url}/v1`,
      contextWindows: { "a-model": 32_768 },
    });
    expect(await provider.listModels?.()).toEqual(["a-model", "b-model"]);
    expect(server.requests[0]?.url).toBe("/v1/models");
    expect(provider.contextWindow("a-model")).toBe(32_768);
    expect(provider.contextWindow("openai/gpt-4o-mini")).toBe(128_000);
    expect(provider.contextWindow("llama3.2")).toBe(8192);
  });
});
