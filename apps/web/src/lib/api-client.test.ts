import { describe, expect, it, vi } from "vitest";
import { ApiError, createApiClient } from "./api-client";
import type { TokenStore } from "./auth-store";

/** In-memory token store standing in for localStorage. */
function memoryTokens(
  access: string | null,
  refresh: string | null,
): TokenStore & { access: string | null; refresh: string | null } {
  return {
    access,
    refresh,
    getAccessToken() {
      return this.access;
    },
    getRefreshToken() {
      return this.refresh;
    },
    setTokens(tokens) {
      this.access = tokens.access_token;
      this.refresh = tokens.refresh_token;
    },
    clear() {
      this.access = null;
      this.refresh = null;
    },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function apiError(status: number, code: string, message = code, requestId = "req-1"): Response {
  return json(status, { error: { code, message, requestId } });
}

const tokenResponse = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: "bearer",
  expires_in: 900,
});

/** A fake server: answers /auth/refresh with fresh tokens, and data calls only for the latest token. */
function fakeServer(options: { refreshOk?: boolean } = {}) {
  let issued = 1;
  const calls: Array<{
    url: string;
    method: string;
    auth: string | null;
    body: string | null;
    contentType: string | null;
  }> = [];
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call = {
      url: String(input),
      method: init?.method ?? "GET",
      auth: headers.get("Authorization"),
      body: typeof init?.body === "string" ? init.body : null,
      contentType: headers.get("Content-Type"),
    };
    calls.push(call);
    if (call.url.endsWith("/auth/refresh")) {
      if (options.refreshOk === false) return apiError(401, "auth.token_invalid");
      issued += 1;
      return json(200, tokenResponse(issued));
    }
    if (call.url.endsWith("/auth/token")) return json(200, tokenResponse(issued));
    if (call.auth !== `Bearer access-${issued}`) return apiError(401, "auth.token_expired", "Token expired");
    return json(200, { ok: true, token: call.auth });
  });
  return { fetchFn, calls };
}

describe("api client", () => {
  it("sends the bearer token and returns the parsed body", async () => {
    const tokens = memoryTokens("access-1", "refresh-1");
    const { fetchFn, calls } = fakeServer();
    const client = createApiClient({ tokens, fetch: fetchFn });

    await expect(client.get("/users/me")).resolves.toEqual({ ok: true, token: "Bearer access-1" });
    expect(calls[0]).toMatchObject({ url: "/api/v1/users/me", method: "GET", auth: "Bearer access-1" });
  });

  it("refreshes once on auth.token_expired, stores the rotated tokens and retries", async () => {
    const tokens = memoryTokens("stale", "refresh-1");
    const { fetchFn, calls } = fakeServer();
    const client = createApiClient({ tokens, fetch: fetchFn });

    await expect(client.get("/tenants")).resolves.toEqual({ ok: true, token: "Bearer access-2" });

    expect(calls.map((call) => call.url)).toEqual(["/api/v1/tenants", "/api/v1/auth/refresh", "/api/v1/tenants"]);
    expect(JSON.parse(calls[1]?.body ?? "{}")).toEqual({ refresh_token: "refresh-1" });
    expect(calls[1]?.auth).toBeNull();
    expect(tokens.access).toBe("access-2");
    expect(tokens.refresh).toBe("refresh-2");
  });

  it("shares one refresh between calls that expire at the same time", async () => {
    const tokens = memoryTokens("stale", "refresh-1");
    const { fetchFn, calls } = fakeServer();
    const client = createApiClient({ tokens, fetch: fetchFn });

    const results = await Promise.all([client.get("/a"), client.get("/b"), client.get("/c")]);

    expect(results).toHaveLength(3);
    expect(calls.filter((call) => call.url.endsWith("/auth/refresh"))).toHaveLength(1);
    expect(tokens.refresh).toBe("refresh-2");
  });

  it("uses tokens another tab refreshed meanwhile instead of rotating the refresh token twice", async () => {
    const tokens = memoryTokens("stale", "refresh-1");
    const { fetchFn, calls } = fakeServer();
    const client = createApiClient({
      tokens,
      fetch: async (input, init) => {
        const response = await fetchFn(input, init);
        // The other tab finishes its refresh while our expired call is on the wire.
        if (String(input).endsWith("/tenants") && tokens.access === "stale") {
          tokens.setTokens(tokenResponse(1));
        }
        return response;
      },
    });

    await expect(client.get("/tenants")).resolves.toEqual({ ok: true, token: "Bearer access-1" });
    expect(calls.filter((call) => call.url.endsWith("/auth/refresh"))).toHaveLength(0);
  });

  it("ends the session when the refresh is refused", async () => {
    const tokens = memoryTokens("stale", "refresh-1");
    const onSessionEnded = vi.fn();
    const { fetchFn } = fakeServer({ refreshOk: false });
    const client = createApiClient({ tokens, fetch: fetchFn, onSessionEnded });

    const error = await client.get("/tenants").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("auth.token_expired");
    expect(tokens.access).toBeNull();
    expect(tokens.refresh).toBeNull();
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });

  it("maps the error body to ApiError without touching the session for other failures", async () => {
    const tokens = memoryTokens("access-1", "refresh-1");
    const fetchFn = vi.fn(async () => apiError(409, "user.email_taken", "Email already in use", "req-42"));
    const client = createApiClient({ tokens, fetch: fetchFn });

    const error = (await client.post("/users", { email: "a@b.c" }).catch((e: unknown) => e)) as ApiError;

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "user.email_taken",
      message: "Email already in use",
      requestId: "req-42",
    });
    expect(tokens.access).toBe("access-1");
  });

  it("does not refresh or sign out when signing in fails", async () => {
    const tokens = memoryTokens(null, null);
    const onSessionEnded = vi.fn();
    const fetchFn = vi.fn(async () => apiError(401, "auth.invalid_credentials"));
    const client = createApiClient({ tokens, fetch: fetchFn, onSessionEnded });

    const error = (await client
      .post("/auth/token", new URLSearchParams({ username: "a@b.c", password: "x" }), { auth: false })
      .catch((e: unknown) => e)) as ApiError;

    expect(error.code).toBe("auth.invalid_credentials");
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it("sends URLSearchParams form-encoded and JSON otherwise", async () => {
    const tokens = memoryTokens("access-1", "refresh-1");
    const { fetchFn, calls } = fakeServer();
    const client = createApiClient({ tokens, fetch: fetchFn });

    await client.post("/auth/token", new URLSearchParams({ username: "a@b.c", password: "pw" }), { auth: false });
    await client.patch("/users/me", { name: "Ada" });

    expect(calls[0]).toMatchObject({
      contentType: "application/x-www-form-urlencoded",
      body: "username=a%40b.c&password=pw",
      auth: null,
    });
    expect(calls[1]).toMatchObject({ contentType: "application/json", body: '{"name":"Ada"}' });
  });

  it("gives answers without an error body a code the interface can translate", async () => {
    const tokens = memoryTokens("access-1", "refresh-1");
    const client = createApiClient({
      tokens,
      fetch: vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" })),
    });
    await expect(client.get("/x")).rejects.toMatchObject({ status: 502, code: "service.unavailable" });

    const offline = createApiClient({
      tokens,
      fetch: vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    });
    await expect(offline.get("/x")).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("returns undefined for 204 answers and drops empty query values", async () => {
    const tokens = memoryTokens("access-1", "refresh-1");
    const fetchFn = vi.fn(async (_input: RequestInfo | URL) => new Response(null, { status: 204 }));
    const client = createApiClient({ tokens, fetch: fetchFn });

    await expect(client.get("/users", { query: { q: "", limit: 20, offset: 0 } })).resolves.toBeUndefined();
    expect(String(fetchFn.mock.calls[0]?.[0])).toBe("/api/v1/users?limit=20&offset=0");
  });
});
