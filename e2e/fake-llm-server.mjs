// A tiny, deterministic OpenAI-compatible model server for the browser tests (no dependencies).
//
//   node e2e/fake-llm-server.mjs            listens on 127.0.0.1:18322 (FAKE_LLM_PORT overrides)
//
// POST /v1/chat/completions (streaming SSE or plain JSON) and GET /v1/models, like OpenAI. What it
// answers depends on the last user message:
//   contains "fail" → HTTP 500 (the app retries per LLM_RETRY_ATTEMPTS, then shows an error);
//   contains "slow" → a word every 150 ms for about a minute (time to press Stop or reload); it
//                     stops writing as soon as the client disconnects;
//   contains "Passages:" (the documents assistant's answer prompt, "Passages:\n[1] ...\n\nQuestion:
//                     ...") → the sentence of passage [1] sharing most words with the question,
//                     then " [1]", in a few chunks (see passagesAnswer); "fail" and "slow" count
//                     only in its question, never in the passages' text;
//   anything else   → DEFAULT_ANSWER (a heading, a list, a python code block) in 10 chunks 30 ms apart.
// GET /_fake/status reports what it served, so a test can check that a stopped answer really closed
// the connection to the model. Every loop ends by itself; it only listens on 127.0.0.1.

import { createServer } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FAKE_MODEL = "fake-model";
export const DEFAULT_PORT = 18322;

/** The answer to any ordinary question. */
export const DEFAULT_ANSWER = [
  "## Reading a CSV file\n\n",
  "Here is how to do it, according to the **fake model**:\n\n",
  "- Open the file with `open()`\n",
  "- Read each row with the `csv` module\n",
  "- Close the file when you are done\n\n",
  "```python\n",
  "import csv\n\n",
  'with open("data.csv", newline="") as f:\n',
  "    for row in csv.reader(f):\n        print(row)\n```\n\n",
  "That is all there is to it.",
];
/** Output tokens the default answer reports in its usage chunk. */
export const DEFAULT_ANSWER_TOKENS = 57;

const CHUNK_DELAY_MS = 30;
const SLOW_WORD_DELAY_MS = 150;
/** 400 words × 150 ms = 60 s: the longest a slow answer runs. */
const SLOW_WORDS = 400;
const WORDS = ["once", "upon", "a", "time", "a", "patient", "model", "wrote", "one", "word", "after", "another"];

/** Word n of the slow answer, with a paragraph break every 48 words. */
function slowWord(n) {
  const word = WORDS[n % WORDS.length];
  const text = n === 0 ? "Once" : word;
  if (n === SLOW_WORDS - 1) return `${text}.`;
  return (n + 1) % 48 === 0 ? `${text}.\n\n` : `${text} `;
}

/** The text of the last user message (string or content parts). */
function lastUserText(messages) {
  const last = [...(Array.isArray(messages) ? messages : [])].reverse().find((m) => m?.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  if (Array.isArray(last.content)) return last.content.map((part) => part?.text ?? "").join(" ");
  return "";
}

/** The words of a text, lower-cased (letters and digits of any script). */
function wordsOf(text) {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The parts of a documents answer prompt ("Passages:\n[1] Title: text\n\n[2] ...\n\nQuestion: q"):
 * the first passage's text (without its title) and the question; undefined for any other message.
 */
export function parsePassagesPrompt(text) {
  const start = text.indexOf("Passages:");
  if (start < 0) return undefined;
  const questionAt = text.lastIndexOf("\nQuestion:");
  const question = questionAt > start ? text.slice(questionAt + "\nQuestion:".length).trim() : "";
  const passages = text.slice(start + "Passages:".length, questionAt > start ? questionAt : undefined);
  const first = passages.match(/\[1\]\s*([\s\S]*?)(?=\n\s*\[2\]\s|$)/)?.[1]?.trim() ?? "";
  // The app writes "[1] Title: text": the title (up to the first ": " of the first line) is not quoted.
  return { firstPassage: first.replace(/^[^\n.!?]{1,200}?: /, ""), question };
}

/**
 * The answer to a documents prompt: the sentence (or line) of passage [1] that shares most distinct
 * words with the question (the first of equals), then " [1]". Deterministic.
 */
export function passagesAnswer(text) {
  const parsed = parsePassagesPrompt(text);
  if (!parsed?.firstPassage) return "I could not find this in the passages.";
  const asked = new Set(wordsOf(parsed.question));
  const sentences = parsed.firstPassage
    .split(/\n+|(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
  let best = sentences[0] ?? parsed.firstPassage;
  let bestScore = -1;
  for (const sentence of sentences) {
    const score = new Set(wordsOf(sentence).filter((word) => asked.has(word))).size;
    if (score > bestScore) [best, bestScore] = [sentence, score];
  }
  return `${best} [1]`;
}

/** A text cut into about `count` chunks at spaces, which joined give the text back. */
function chunksOf(text, count) {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / count));
  const chunks = [];
  for (let i = 0; i < words.length; i += size) chunks.push(words.slice(i, i + size).join(""));
  return chunks;
}

/** What a request asks for: "fail", "slow", "passages" or "default". */
function behaviourOf(body) {
  const text = lastUserText(body?.messages);
  const passages = parsePassagesPrompt(text);
  // In a documents prompt only the question asks: the documents' own words never do.
  const asked = (passages ? passages.question : text).toLowerCase();
  if (asked.includes("fail")) return "fail";
  if (asked.includes("slow")) return "slow";
  return passages ? "passages" : "default";
}

/** A rough, deterministic prompt size: one token per 4 characters. */
function promptTokens(body) {
  const chars = (Array.isArray(body?.messages) ? body.messages : []).reduce(
    (sum, m) => sum + (typeof m?.content === "string" ? m.content.length : 0),
    0,
  );
  return Math.max(1, Math.ceil(chars / 4));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req, limit = 5_000_000) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Starts the server; resolves once it listens. */
export async function startFakeLlmServer({ port = DEFAULT_PORT, host = "127.0.0.1" } = {}) {
  const status = {
    requests: 0,
    streaming: 0,
    completed: 0,
    disconnected: 0,
    failed: 0,
    lastUserMessage: "",
    lastModel: "",
    lastAuthorization: "",
  };
  let nextId = 1;

  async function completions(req, res) {
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendJson(res, 400, { error: { message: "Invalid JSON body", type: "invalid_request_error" } });
      return;
    }
    status.requests += 1;
    status.lastUserMessage = lastUserText(body?.messages);
    status.lastModel = String(body?.model ?? "");
    status.lastAuthorization = req.headers.authorization ?? "";
    const behaviour = behaviourOf(body);
    const model = typeof body?.model === "string" && body.model ? body.model : FAKE_MODEL;
    const id = `chatcmpl-fake-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);

    if (behaviour === "fail") {
      status.failed += 1;
      sendJson(res, 500, { error: { message: "The fake model failed on purpose.", type: "server_error" } });
      return;
    }

    const pieces =
      behaviour === "slow"
        ? Array.from({ length: SLOW_WORDS }, (_, n) => slowWord(n))
        : behaviour === "passages"
          ? chunksOf(passagesAnswer(lastUserText(body?.messages)), 4)
          : [...DEFAULT_ANSWER];
    const delay = behaviour === "slow" ? SLOW_WORD_DELAY_MS : CHUNK_DELAY_MS;
    const usage = {
      prompt_tokens: promptTokens(body),
      completion_tokens: behaviour === "default" ? DEFAULT_ANSWER_TOKENS : pieces.length,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;

    if (!body?.stream) {
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [
          { index: 0, message: { role: "assistant", content: pieces.join("") }, finish_reason: "stop", logprobs: null },
        ],
        usage,
      });
      status.completed += 1;
      return;
    }

    // Streaming: stop at once when the client goes away (Stop in the app aborts the request).
    let isGone = false;
    res.on("close", () => {
      if (!res.writableFinished) isGone = true;
    });
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const chunk = (delta, finishReason = null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    const send = (data) => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);

    status.streaming += 1;
    try {
      send(chunk({ role: "assistant", content: "" }));
      for (const piece of pieces) {
        await sleep(delay);
        if (isGone) break;
        send(chunk({ content: piece }));
      }
      if (isGone) {
        status.disconnected += 1;
        return;
      }
      send(chunk({}, "stop"));
      if (body.stream_options?.include_usage) {
        send({ id, object: "chat.completion.chunk", created, model, choices: [], usage });
      }
      send("[DONE]");
      res.end();
      status.completed += 1;
    } finally {
      status.streaming -= 1;
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "");
    if (req.method === "POST" && path === "/v1/chat/completions") {
      completions(req, res).catch((error) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "server_error" } });
        else res.destroy();
      });
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: [{ id: FAKE_MODEL, object: "model", created: 1_700_000_000, owned_by: "atrium-e2e" }],
      });
      return;
    }
    if (req.method === "GET" && path === "/_fake/status") {
      sendJson(res, 200, status);
      return;
    }
    sendJson(res, 404, { error: { message: `No route ${req.method} ${path}`, type: "invalid_request_error" } });
  });
  // Keep-alive sockets from the app must not hold the process open on shutdown.
  server.keepAliveTimeout = 5_000;

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(undefined));
  });
  return {
    url: `http://${host}:${port}/v1`,
    status,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

// Run directly (not imported by a test for its constants): listen until told to stop.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const port = Number(process.env.FAKE_LLM_PORT ?? DEFAULT_PORT);
  const fake = await startFakeLlmServer({ port });
  process.stdout.write(`fake LLM server on ${fake.url}\n`);
  const stop = () => {
    fake.close().then(() => process.exit(0));
    // Never hang on shutdown.
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
