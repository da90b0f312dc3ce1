import { ErrorBodySchema, type TokenResponse } from "@atrium/contracts";
import { authStore, type TokenStore } from "./auth-store";

/** Client-side codes for failures that never reached the server's error handler. */
export type ClientErrorCode = "network";

/**
 * An error answered by the API (or a failure to reach it), carrying the stable error code the
 * interface translates, the server's own message as a fallback, and the request id to quote
 * when reporting a problem.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId?: string;
    details?: unknown;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
  }
}

/** Codes that mean the session is over and signing in again is the only way forward. */
const SESSION_ENDED_CODES = new Set([
  "auth.token_invalid",
  "auth.unauthenticated",
  "auth.refresh_reused",
  "auth.account_disabled",
]);

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  /** JSON body; URLSearchParams is sent form-encoded. */
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Send the bearer token and refresh it on expiry (default true). */
  auth?: boolean;
}

export interface ApiClientOptions {
  /** Prefix of every path; the API lives on the same origin. */
  baseUrl?: string;
  tokens: TokenStore;
  fetch?: typeof fetch;
  /** Called once the session can't be continued (refresh failed or token rejected), with the reason's code. */
  onSessionEnded?: (code: string) => void;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Maps an answer without the API's error body (proxy page, crash) to a code the UI knows. */
function fallbackCode(status: number): string {
  if (status === 404) return "request.not_found";
  if (status === 413) return "request.too_large";
  if (status === 429) return "request.rate_limited";
  if (status === 502 || status === 503 || status === 504) return "service.unavailable";
  if (status >= 500) return "internal";
  return "request.invalid";
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    payload = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(payload);
  if (parsed.success) {
    const { code, message, requestId, details } = parsed.data.error;
    return new ApiError({ status: response.status, code, message, requestId, details });
  }
  return new ApiError({
    status: response.status,
    code: fallbackCode(response.status),
    message: response.statusText || `HTTP ${response.status}`,
    requestId: response.headers.get("x-request-id") ?? undefined,
  });
}

function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const url = `${baseUrl}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

/**
 * Creates the fetch wrapper every feature uses: JSON in and out, the bearer token on each call,
 * one refresh-and-retry when the access token has expired (concurrent calls share one refresh),
 * and ApiError for every failure.
 */
export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? "/api/v1";
  const tokens = options.tokens;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let refreshing: Promise<string | null> | null = null;

  function endSession(code: string) {
    tokens.clear();
    options.onSessionEnded?.(code);
  }

  async function send(
    method: string,
    url: string,
    body: unknown,
    signal: AbortSignal | undefined,
    accessToken: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let payload: BodyInit | undefined;
    if (body instanceof URLSearchParams) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = body.toString();
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    try {
      return await doFetch(url, { method, headers, body: payload, signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw new ApiError({
        status: 0,
        code: "network" satisfies ClientErrorCode,
        message: "Could not reach the server. Check your connection and try again.",
      });
    }
  }

  /** Rotates the tokens; answers the refusal's code (e.g. auth.account_disabled) when refused, null when done. */
  async function runRefresh(): Promise<string | null> {
    const refreshToken = tokens.getRefreshToken();
    if (!refreshToken) return "auth.token_expired";
    try {
      const response = await send(
        "POST",
        buildUrl(baseUrl, "/auth/refresh"),
        { refresh_token: refreshToken },
        undefined,
        null,
      );
      if (!response.ok) {
        const error = await toApiError(response);
        return error.code === "auth.token_invalid" ? "auth.token_expired" : error.code;
      }
      tokens.setTokens((await response.json()) as TokenResponse);
      return null;
    } catch (error) {
      return error instanceof ApiError ? error.code : "network";
    }
  }

  /**
   * Refreshes the tokens; callers arriving while a refresh runs wait for the same one. Tabs take
   * turns through a Web Lock: a rotated refresh token used twice would sign every tab out, so a
   * tab that waited and finds new tokens (another tab refreshed) just uses them.
   */
  function refresh(expiredAccessToken: string | null): Promise<string | null> {
    const attempt = async () => {
      const current = tokens.getAccessToken();
      if (current !== null && current !== expiredAccessToken) return null;
      return runRefresh();
    };
    if (!refreshing) {
      const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
      // The lock's promise wraps the callback's promise; then() flattens it.
      const run = locks ? locks.request("atrium.token-refresh", attempt).then((result) => result) : attempt();
      refreshing = run.finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function parse<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const useAuth = opts.auth ?? true;
    const url = buildUrl(baseUrl, path, opts.query);
    const usedToken = useAuth ? tokens.getAccessToken() : null;
    const response = await send(method, url, opts.body, opts.signal, usedToken);
    if (response.ok) return parse<T>(response);

    const error = await toApiError(response);
    if (!useAuth) throw error;

    if (response.status === 401 && error.code === "auth.token_expired") {
      // Another call (or tab) may already have refreshed: refresh() then just hands over its tokens.
      const refusal = await refresh(usedToken);
      if (refusal?.startsWith("auth.")) {
        endSession(refusal);
        throw error;
      }
      if (refusal !== null) {
        // Offline or rate-limited: the session may still be good, so keep it and let the person retry.
        throw new ApiError({ status: 0, code: refusal, message: "Could not renew the session. Try again." });
      }
      const retry = await send(method, url, opts.body, opts.signal, tokens.getAccessToken());
      if (retry.ok) return parse<T>(retry);
      const retryError = await toApiError(retry);
      if (retry.status === 401 || SESSION_ENDED_CODES.has(retryError.code)) endSession(retryError.code);
      throw retryError;
    }
    if (SESSION_ENDED_CODES.has(error.code)) endSession(error.code);
    throw error;
  }

  return {
    request,
    refresh,
    get: <T>(path: string, opts?: Omit<RequestOptions, "body">) => request<T>("GET", path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("POST", path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PATCH", path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PUT", path, { ...opts, body }),
    delete: <T = void>(path: string, opts?: RequestOptions) => request<T>("DELETE", path, opts),
  };
}

/**
 * The app's client: tokens from localStorage. A dead session clears them (the guards then redirect
 * to the login page, which tells why).
 */
export const api = createApiClient({ tokens: authStore, onSessionEnded: (code) => authStore.noteSessionEnded(code) });
