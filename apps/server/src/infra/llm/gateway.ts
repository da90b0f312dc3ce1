import { sleep as defaultSleep } from "./async-queue";
import {
  type FinishReason,
  type GenerateRequest,
  isLlmError,
  LlmError,
  type LlmEvent,
  type LlmProvider,
  type LlmTokenEvent,
  type LlmUsage,
} from "./llm.types";
import { computeCost, type PriceTable, type RequestCost } from "./pricing";
import { estimateUsage } from "./tokens";

export interface LlmGatewayOptions {
  providers: Map<string, LlmProvider>;
  /** Used when stream() is called without a provider id. */
  defaultProviderId: string;
  timeouts: {
    /** Longest wait for the first token of an attempt; a late one fails the attempt (retryable). */
    firstTokenMs: number;
    /** Longest time for the whole answer, retries and backoff included. */
    totalMs: number;
  };
  retry: {
    /** Attempts in all, the first included (1 = never retry). */
    attempts: number;
    /** Backoff before retry n is baseDelayMs * 2^(n-1), half of it jittered. */
    baseDelayMs: number;
    maxDelayMs?: number;
  };
  /** USD prices per model; missing models report costKnown: false. */
  prices?: PriceTable;
  /** Abortable wait used for backoff; tests pass one that records the delays. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Told about every failed attempt that will be retried (for logs and metrics). */
  onRetry?: (info: { providerId: string; attempt: number; delayMs: number; error: LlmError }) => void;
}

export interface LlmLatency {
  /** From the call to the first token, retries included; null when no token came. */
  firstTokenMs: number | null;
  totalMs: number;
}

/** The last event of a gateway stream: the provider's done event plus accounting. */
export interface GatewayDoneEvent {
  type: "done";
  usage: LlmUsage;
  finishReason: FinishReason;
  providerId: string;
  model: string;
  cost: RequestCost;
  latency: LlmLatency;
  /** Attempts made (1 when the first one succeeded). */
  attempts: number;
}

export type GatewayEvent = LlmTokenEvent | GatewayDoneEvent;

/** A whole answer, for callers that do not stream (chat titles, summaries). */
export interface GatewayCompletion extends Omit<GatewayDoneEvent, "type"> {
  text: string;
}

/** The one entry point the services use to talk to language models. */
export interface LlmGateway {
  readonly defaultProviderId: string;
  /**
   * Streams an answer: token events, then one done event. Throws an LlmError when the provider
   * fails for good; ends with finishReason "cancelled" when req.signal aborts. Breaking out of the
   * loop aborts the upstream request.
   */
  stream(providerId: string | undefined, req: GenerateRequest): AsyncIterable<GatewayEvent>;
  /** stream() collected into one result. */
  complete(providerId: string | undefined, req: GenerateRequest): Promise<GatewayCompletion>;
  /** The provider with this id (the default one when undefined); throws llm.bad_request if unknown. */
  getProvider(providerId?: string): LlmProvider;
  listProviders(): LlmProvider[];
}

/** Free-running providers: no per-token bill. */
const LOCAL_KINDS = new Set<LlmProvider["kind"]>(["extractive", "local-gguf", "fake"]);

type AbortCause = "user" | "total" | "first-token";

/**
 * Wraps providers with a first-token and a total timeout, retries with exponential backoff and
 * jitter (only before the first token, so streamed text is never duplicated), cancellation via
 * req.signal, and usage, cost and latency accounting.
 */
export function createLlmGateway(opts: LlmGatewayOptions): LlmGateway {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const wait = opts.sleep ?? defaultSleep;
  const prices = opts.prices ?? {};
  const maxDelayMs = opts.retry.maxDelayMs ?? 10_000;
  const attemptsAllowed = Math.max(1, opts.retry.attempts);

  function getProvider(providerId?: string): LlmProvider {
    const id = providerId ?? opts.defaultProviderId;
    const provider = opts.providers.get(id);
    if (!provider) {
      throw new LlmError(
        "llm.bad_request",
        `No model provider "${id}" is configured. An admin can add it in Admin → Providers.`,
        {
          retryable: false,
          providerId: id,
        },
      );
    }
    return provider;
  }

  function backoff(attempt: number, retryAfterMs: number | undefined): number {
    const exp = Math.min(maxDelayMs, opts.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = exp / 2 + (random() * exp) / 2;
    return Math.round(Math.max(jittered, retryAfterMs ?? 0));
  }

  function costOf(provider: LlmProvider, model: string, usage: LlmUsage): RequestCost {
    if (LOCAL_KINDS.has(provider.kind)) return { usd: 0, costKnown: true };
    return computeCost(prices, provider.id, model, usage);
  }

  async function* stream(providerId: string | undefined, req: GenerateRequest): AsyncGenerator<GatewayEvent> {
    const provider = getProvider(providerId);
    const started = now();
    const userSignal = req.signal;
    const deadline = new AbortController();
    const totalTimer = setTimeout(() => deadline.abort(), opts.timeouts.totalMs);
    let firstTokenAt: number | null = null;
    let text = "";
    let attempt = 0;

    const finish = (usage: LlmUsage, finishReason: FinishReason): GatewayDoneEvent => ({
      type: "done",
      usage,
      finishReason,
      providerId: provider.id,
      model: req.model,
      cost: costOf(provider, req.model, usage),
      latency: { firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started, totalMs: now() - started },
      attempts: attempt,
    });
    const totalTimeout = () =>
      new LlmError(
        "llm.timeout",
        `The model provider "${provider.id}" did not finish the answer within ${seconds(opts.timeouts.totalMs)}. Try again or ask for a shorter answer.`,
        { retryable: false, providerId: provider.id, usage: text ? estimateUsage(req, text) : undefined },
      );

    try {
      while (true) {
        attempt += 1;
        const attemptCtl = new AbortController();
        let cause: AbortCause | undefined;
        const abortAttempt = (why: AbortCause) => {
          cause ??= why;
          attemptCtl.abort();
        };
        const onUser = () => abortAttempt("user");
        const onDeadline = () => abortAttempt("total");
        userSignal?.addEventListener("abort", onUser);
        deadline.signal.addEventListener("abort", onDeadline);
        if (userSignal?.aborted) onUser();
        if (deadline.signal.aborted) onDeadline();
        let firstTokenTimer: ReturnType<typeof setTimeout> | undefined =
          firstTokenAt === null ? setTimeout(() => abortAttempt("first-token"), opts.timeouts.firstTokenMs) : undefined;
        // Rejects as soon as the attempt is aborted, so a provider that ignores its signal cannot hang us.
        const aborted = new Promise<never>((_, reject) => {
          attemptCtl.signal.addEventListener("abort", () => reject(new Error("attempt aborted")), { once: true });
        });
        aborted.catch(() => {});
        let iterator: AsyncIterator<LlmEvent> | undefined;
        /** The provider finished its answer: nothing upstream is left to stop. */
        let finished = false;

        try {
          iterator = provider.stream({ ...req, signal: attemptCtl.signal })[Symbol.asyncIterator]();
          while (true) {
            const step = await Promise.race([iterator.next(), aborted]);
            if (step.done) {
              // A provider that forgot its done event: account for what it sent.
              if (cause) throw new Error("attempt aborted");
              finished = true;
              yield finish(estimateUsage(req, text), "stop");
              return;
            }
            const event = step.value;
            if (event.type === "token") {
              if (!event.text) continue;
              if (firstTokenAt === null) {
                firstTokenAt = now();
                clearTimeout(firstTokenTimer);
                firstTokenTimer = undefined;
              }
              text += event.text;
              yield event;
              continue;
            }
            // The provider saw our abort and ended politely; the cause decides what that means.
            if (cause && cause !== "user") throw new Error("attempt aborted");
            finished = true;
            yield finish(event.usage, cause === "user" ? "cancelled" : event.finishReason);
            return;
          }
        } catch (err) {
          if (cause === "user") {
            yield finish(estimateUsage(req, text), "cancelled");
            return;
          }
          if (cause === "total") throw totalTimeout();
          const error =
            cause === "first-token"
              ? new LlmError(
                  "llm.timeout",
                  `The model provider "${provider.id}" sent nothing within ${seconds(opts.timeouts.firstTokenMs)}.`,
                  { providerId: provider.id },
                )
              : toLlmError(err, provider.id);
          const remaining = opts.timeouts.totalMs - (now() - started);
          const delayMs = backoff(attempt, error.retryAfterMs);
          if (firstTokenAt !== null || !error.retryable || attempt >= attemptsAllowed || delayMs >= remaining) {
            throw text ? withUsage(error, estimateUsage(req, text)) : error;
          }
          opts.onRetry?.({ providerId: provider.id, attempt, delayMs, error });
          const stop = userSignal ? AbortSignal.any([userSignal, deadline.signal]) : deadline.signal;
          await wait(delayMs, stop);
          if (userSignal?.aborted) {
            yield finish({ inputTokens: 0, outputTokens: 0 }, "cancelled");
            return;
          }
          if (deadline.signal.aborted) throw totalTimeout();
        } finally {
          clearTimeout(firstTokenTimer);
          userSignal?.removeEventListener("abort", onUser);
          deadline.signal.removeEventListener("abort", onDeadline);
          // Stops the upstream request when we leave early (consumer broke off, timeout, error). Not
          // after a finished answer: an abort builds a DOMException, measurable on every message.
          if (!finished) attemptCtl.abort();
          iterator?.return?.().catch(() => {});
        }
      }
    } finally {
      clearTimeout(totalTimer);
    }
  }

  async function complete(providerId: string | undefined, req: GenerateRequest): Promise<GatewayCompletion> {
    let text = "";
    for await (const event of stream(providerId, req)) {
      if (event.type === "token") text += event.text;
      else {
        const { type: _type, ...rest } = event;
        return { text, ...rest };
      }
    }
    throw new LlmError("llm.unavailable", "The model stream ended without a result.", { retryable: false });
  }

  return {
    defaultProviderId: opts.defaultProviderId,
    stream,
    complete,
    getProvider,
    listProviders: () => [...opts.providers.values()],
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Anything a provider throws becomes an LlmError; unknown errors are not retried (likely bugs). */
function toLlmError(err: unknown, providerId: string): LlmError {
  if (isLlmError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError("llm.unavailable", `The model provider "${providerId}" failed: ${message}`, {
    providerId,
    retryable: false,
    cause: err,
  });
}

function withUsage(error: LlmError, usage: LlmUsage): LlmError {
  return new LlmError(error.code, error.message, {
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    providerId: error.providerId,
    usage: error.usage ?? usage,
    cause: error.cause,
  });
}
