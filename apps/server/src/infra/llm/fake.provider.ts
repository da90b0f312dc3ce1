import { sleep } from "./async-queue";
import {
  type GenerateRequest,
  LlmError,
  type LlmErrorCode,
  type LlmEvent,
  type LlmProvider,
  type LlmUsage,
} from "./llm.types";
import { estimateUsage } from "./tokens";

/** What one call of the fake provider does. */
export interface FakeScript {
  /** Emitted in order as token events. */
  tokens: string[];
  /** Pause before each token. */
  delayMs?: number;
  /** Fails with this code after `afterTokens` tokens were emitted (0: before the first). */
  fail?: { afterTokens: number; code: LlmErrorCode; message?: string; retryable?: boolean; retryAfterMs?: number };
  /**
   * After the tokens: "until-abort" waits for the request's signal (then ends as cancelled);
   * "forever" ignores the signal, like a provider that hangs on a dead connection.
   */
  hang?: "until-abort" | "forever";
  /** Reported usage; estimated from the text when absent. */
  usage?: LlmUsage;
  finishReason?: "stop" | "length";
}

export interface FakeProviderOptions {
  id?: string;
  /** One script for every call, a list used call by call (the last repeats), or a function. */
  script: FakeScript | FakeScript[] | ((req: GenerateRequest, call: number) => FakeScript);
  contextWindow?: number;
  models?: string[];
}

/** The fake provider, with the requests it received so tests can assert on them. */
export interface FakeProvider extends LlmProvider {
  readonly calls: GenerateRequest[];
}

function pickScript(script: FakeProviderOptions["script"], req: GenerateRequest, call: number): FakeScript {
  if (typeof script === "function") return script(req, call);
  if (Array.isArray(script)) {
    const chosen = script[Math.min(call, script.length - 1)];
    if (!chosen) throw new Error("fake provider: empty script list");
    return chosen;
  }
  return script;
}

/** A deterministic provider for tests: scripted tokens, delays, failures and hangs. */
export function createFakeProvider(opts: FakeProviderOptions): FakeProvider {
  const id = opts.id ?? "fake";
  const calls: GenerateRequest[] = [];

  async function* run(req: GenerateRequest): AsyncGenerator<LlmEvent> {
    const script = pickScript(opts.script, req, calls.length);
    calls.push(req);
    const signal = req.signal;
    let text = "";
    const cancelled = (): LlmEvent => ({ type: "done", usage: estimateUsage(req, text), finishReason: "cancelled" });
    const failNow = (f: NonNullable<FakeScript["fail"]>) =>
      new LlmError(f.code, f.message ?? `fake provider failed with ${f.code}`, {
        providerId: id,
        retryable: f.retryable,
        retryAfterMs: f.retryAfterMs,
      });

    for (let i = 0; i <= script.tokens.length; i++) {
      if (signal?.aborted) {
        yield cancelled();
        return;
      }
      if (script.fail && script.fail.afterTokens === i) throw failNow(script.fail);
      const token = script.tokens[i];
      if (token === undefined) break;
      if (script.delayMs) await sleep(script.delayMs, signal);
      if (signal?.aborted) {
        yield cancelled();
        return;
      }
      text += token;
      yield { type: "token", text: token };
    }
    if (script.hang === "forever") await new Promise<never>(() => {});
    if (script.hang === "until-abort") {
      await new Promise<void>((resolve) => {
        if (!signal || signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
      yield cancelled();
      return;
    }
    yield {
      type: "done",
      usage: script.usage ?? estimateUsage(req, text),
      finishReason: script.finishReason ?? "stop",
    };
  }

  return {
    id,
    kind: "fake",
    calls,
    stream: (req) => run(req),
    listModels: async () => opts.models ?? ["fake-model"],
    contextWindow: () => opts.contextWindow ?? 8192,
  };
}
