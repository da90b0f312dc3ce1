import { open, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import type { ChatHistoryItem, Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import { createAsyncQueue } from "./async-queue";
import { type ChatMessage, type GenerateRequest, LlmError, type LlmEvent, type LlmProvider } from "./llm.types";
import { estimateUsage } from "./tokens";

/*
 * A GGUF model file run in-process by node-llama-cpp on the CPU. node-llama-cpp is imported only
 * on first use, so the server starts (and every other provider works) where its native binary
 * cannot load. It never downloads or compiles anything: getLlama() is called with build "never",
 * so only the prebuilt binary shipped in the @node-llama-cpp/linux-x64 npm package is used.
 * Installs should set NODE_LLAMA_CPP_SKIP_DOWNLOAD=true (or the root package.json config
 * "nodeLlamaCppPostinstall": "skip") so its postinstall step never tries either.
 */

type NodeLlamaCpp = typeof import("node-llama-cpp");

export interface LocalGgufOptions {
  id?: string;
  /** The .gguf file (LLM_MODEL_PATH). */
  modelPath: string;
  /** Context size in tokens, capped at what the model was trained for. */
  contextSize?: number;
  /** Answers generated at once; more requests wait their turn. Each costs a share of memory. */
  parallel?: number;
  /**
   * CPU threads for generation. Default: one per core but one, left to the server's event loop;
   * with every core busy, llama.cpp's spinning threads and Node starve each other (measured on a
   * 2-core machine: ~500 ms per token with 2 threads against ~1 ms with 1, on a tiny model).
   */
  threads?: number;
  /** Receives llama.cpp's warnings and errors (the composition root passes the logger). */
  log?: (level: string, message: string) => void;
  /** Loads node-llama-cpp; replaced in tests to simulate a machine where it cannot load. */
  importModule?: () => Promise<NodeLlamaCpp>;
}

interface Loaded {
  mod: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
}

const DEFAULT_CONTEXT_SIZE = 4096;

/** Turns the messages into node-llama-cpp's history plus the prompt (the last user message). */
export function toLlamaChat(messages: readonly ChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const history: ChatHistoryItem[] = messages
    .slice(0, Math.max(0, lastUser))
    .map((m) =>
      m.role === "system"
        ? { type: "system", text: m.content }
        : m.role === "user"
          ? { type: "user", text: m.content }
          : { type: "model", response: [m.content] },
    );
  // System messages after the question still apply: they go before it.
  for (const m of messages.slice(lastUser + 1))
    if (m.role === "system") history.push({ type: "system", text: m.content });
  return { history, prompt: lastUser === -1 ? "" : (messages[lastUser] as ChatMessage).content };
}

/** A waiting line for the context's sequences; acquire() resolves false when the signal aborts. */
function createSlots(count: number) {
  let free = count;
  const waiting: ((granted: boolean) => void)[] = [];
  return {
    acquire(signal?: AbortSignal): Promise<boolean> {
      if (signal?.aborted) return Promise.resolve(false);
      if (free > 0) {
        free -= 1;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const grant = (granted: boolean) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(granted);
        };
        const onAbort = () => {
          waiting.splice(waiting.indexOf(grant), 1);
          resolve(false);
        };
        waiting.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    release() {
      const next = waiting.shift();
      if (next) next(true);
      else free += 1;
    },
  };
}

/** The local GGUF provider (LLM_MODEL_PATH), loading the model lazily on the first request. */
export function createLocalGgufProvider(opts: LocalGgufOptions): LlmProvider {
  const id = opts.id ?? "local";
  const parallel = Math.max(1, opts.parallel ?? 1);
  const slots = createSlots(parallel);
  const threads = Math.max(1, opts.threads ?? availableParallelism() - 1);
  const importModule = opts.importModule ?? (() => import("node-llama-cpp"));
  let loading: Promise<Loaded> | undefined;
  let loaded: Loaded | undefined;

  const unavailable = (message: string, cause?: unknown) =>
    new LlmError("llm.unavailable", message, { providerId: id, retryable: false, cause });

  async function checkFile(): Promise<void> {
    const where = `LLM_MODEL_PATH points to "${opts.modelPath}"`;
    const fix = "Set LLM_MODEL_PATH to a .gguf model file, or unset it to use the built-in extractive answerer.";
    const info = await stat(opts.modelPath).catch((err: NodeJS.ErrnoException) => {
      throw unavailable(
        `${where}, which ${err.code === "ENOENT" ? "does not exist" : `cannot be read (${err.code})`}. ${fix}`,
        err,
      );
    });
    if (!info.isFile()) throw unavailable(`${where}, which is not a file. ${fix}`);
    const magic = Buffer.alloc(4);
    const handle = await open(opts.modelPath, "r").catch((err: NodeJS.ErrnoException) => {
      throw unavailable(`${where}, which cannot be read (${err.code}). ${fix}`, err);
    });
    try {
      await handle.read(magic, 0, 4, 0);
    } finally {
      await handle.close();
    }
    if (magic.toString("latin1") !== "GGUF") throw unavailable(`${where}, which is not a GGUF model file. ${fix}`);
  }

  async function load(): Promise<Loaded> {
    await checkFile();
    let mod: NodeLlamaCpp;
    try {
      mod = await importModule();
    } catch (err) {
      throw unavailable(
        `The local model in LLM_MODEL_PATH cannot run: node-llama-cpp could not be loaded (${(err as Error).message}).`,
        err,
      );
    }
    let llama: Llama;
    try {
      llama = await mod.getLlama({
        gpu: false,
        build: "never",
        skipDownload: true,
        progressLogs: false,
        logLevel: mod.LlamaLogLevel.warn,
        logger: (level, message) => opts.log?.(level, message),
        maxThreads: threads,
      });
    } catch (err) {
      throw unavailable(
        `The local model in LLM_MODEL_PATH cannot run: node-llama-cpp has no prebuilt binary for this machine (${(err as Error).message}).`,
        err,
      );
    }
    try {
      const model = await llama.loadModel({ modelPath: opts.modelPath });
      const contextSize = Math.min(
        opts.contextSize ?? DEFAULT_CONTEXT_SIZE,
        model.trainContextSize || DEFAULT_CONTEXT_SIZE,
      );
      const context = await model.createContext({
        contextSize,
        sequences: parallel,
        threads,
      });
      return { mod, llama, model, context };
    } catch (err) {
      await llama.dispose().catch(() => {});
      throw unavailable(
        `LLM_MODEL_PATH "${opts.modelPath}" could not be loaded as a model: ${(err as Error).message}`,
        err,
      );
    }
  }

  function ensureLoaded(): Promise<Loaded> {
    loading ??= load().then(
      (l) => {
        loaded = l;
        return l;
      },
      (err: unknown) => {
        // Not cached: an admin may fix the file and the next request should see it.
        loading = undefined;
        throw err;
      },
    );
    return loading;
  }

  async function* run(req: GenerateRequest): AsyncGenerator<LlmEvent> {
    const { mod, context } = await ensureLoaded();
    const { history, prompt } = toLlamaChat(req.messages);
    if (!prompt)
      throw new LlmError("llm.bad_request", "There is no user message to answer.", {
        providerId: id,
        retryable: false,
      });
    if (!(await slots.acquire(req.signal))) {
      yield { type: "done", usage: { inputTokens: 0, outputTokens: 0 }, finishReason: "cancelled" };
      return;
    }

    // Our own controller: it also stops generation when the consumer stops reading.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    req.signal?.addEventListener("abort", onAbort, { once: true });
    if (req.signal?.aborted) stop.abort();
    const sequence = context.getSequence();
    const session = new mod.LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
    const queue = createAsyncQueue<LlmEvent>();
    let text = "";
    try {
      session.setChatHistory(history);
      const generation = session
        .promptWithMeta(prompt, {
          signal: stop.signal,
          stopOnAbortSignal: true,
          ...(req.maxTokens === undefined ? {} : { maxTokens: req.maxTokens }),
          ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
          onTextChunk: (chunk) => {
            if (!chunk) return;
            text += chunk;
            queue.push({ type: "token", text: chunk });
          },
        })
        .then(
          (meta) => {
            const meter = sequence.tokenMeter;
            const estimated = estimateUsage(req, text);
            queue.push({
              type: "done",
              usage: {
                inputTokens: meter.usedInputTokens || estimated.inputTokens,
                outputTokens: meter.usedOutputTokens || estimated.outputTokens,
              },
              finishReason:
                meta.stopReason === "abort" || stop.signal.aborted
                  ? "cancelled"
                  : meta.stopReason === "maxTokens"
                    ? "length"
                    : "stop",
            });
            queue.close();
          },
          (err: unknown) =>
            queue.fail(unavailable(`The local model failed while answering: ${(err as Error).message}`, err)),
        );
      try {
        yield* queue;
      } finally {
        stop.abort();
        await generation;
      }
    } finally {
      req.signal?.removeEventListener("abort", onAbort);
      session.dispose({ disposeSequence: false });
      sequence.dispose();
      slots.release();
    }
  }

  return {
    id,
    kind: "local-gguf",
    stream: (req) => run(req),
    listModels: async () => [basename(opts.modelPath)],
    contextWindow: () => loaded?.context.contextSize ?? opts.contextSize ?? DEFAULT_CONTEXT_SIZE,
    close: async () => {
      const current = await loading?.catch(() => undefined);
      loading = undefined;
      loaded = undefined;
      if (!current) return;
      await current.context.dispose();
      await current.model.dispose();
      await current.llama.dispose();
    },
  };
}
