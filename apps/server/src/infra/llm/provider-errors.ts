import { LlmError } from "./llm.types";

/** Longest upstream error detail copied into a message (they can be whole HTML pages). */
const MAX_DETAIL = 300;

function clip(detail: string | undefined): string {
  const text = (detail ?? "").replace(/\s+/g, " ").trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms, in milliseconds. */
export function parseRetryAfter(headers: Pick<Headers, "get"> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Maps an upstream HTTP failure to an LlmError whose message says what happened and what to do.
 * 408/429/409/5xx (and Anthropic's 529 "overloaded") are retryable; other 4xx are not.
 */
export function llmErrorFromStatus(
  providerId: string,
  status: number,
  detail: string | undefined,
  headers?: Pick<Headers, "get">,
  cause?: unknown,
): LlmError {
  const said = clip(detail);
  const suffix = said ? `: ${said}` : ".";
  const base = { status, providerId, cause };
  if (status === 401 || status === 403) {
    return new LlmError(
      "llm.auth_failed",
      `The model provider "${providerId}" refused the credentials (HTTP ${status})${suffix} An admin should check the API key in Admin → Providers.`,
      base,
    );
  }
  if (status === 429) {
    return new LlmError(
      "llm.rate_limited",
      `The model provider "${providerId}" is limiting requests (HTTP 429)${suffix} Try again in a moment.`,
      { ...base, retryAfterMs: parseRetryAfter(headers) },
    );
  }
  if (status === 408) {
    return new LlmError("llm.timeout", `The model provider "${providerId}" timed out (HTTP 408)${suffix}`, base);
  }
  if (status === 409 || status >= 500) {
    return new LlmError(
      "llm.unavailable",
      `The model provider "${providerId}" failed (HTTP ${status})${suffix} Try again later.`,
      { ...base, retryAfterMs: parseRetryAfter(headers) },
    );
  }
  const hint = status === 404 ? " Check the model name and the base URL." : "";
  return new LlmError(
    "llm.bad_request",
    `The model provider "${providerId}" rejected the request (HTTP ${status})${suffix}${hint}`,
    base,
  );
}

/** A network-level failure (refused, reset, DNS) talking to a provider. */
export function llmErrorFromNetwork(providerId: string, where: string, cause: unknown): LlmError {
  const reason = cause instanceof Error ? describeCause(cause) : String(cause);
  return new LlmError(
    "llm.unavailable",
    `Could not reach the model provider "${providerId}" at ${where}: ${reason}. Check that it is running and the base URL is right.`,
    { providerId, cause },
  );
}

/** A provider's stream broke off after it had started. */
export function llmErrorMidStream(providerId: string, cause: unknown): LlmError {
  const reason = cause instanceof Error ? describeCause(cause) : String(cause);
  return new LlmError(
    "llm.unavailable",
    `The model provider "${providerId}" broke off its answer: ${reason}. Try again.`,
    { providerId, cause },
  );
}

/** undici hides the useful part ("ECONNREFUSED") in error.cause. */
function describeCause(err: Error): string {
  const inner = err.cause instanceof Error ? err.cause : undefined;
  const code = inner && "code" in inner ? String((inner as { code?: unknown }).code) : undefined;
  return clip(code ? `${err.message} (${code})` : inner ? `${err.message} (${inner.message})` : err.message);
}
