import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the test server received, body parsed as JSON when it is JSON. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface TestHttpServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  /** Resolves when the client closed the connection of request n (0-based) before it ended. */
  clientGone(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) for provider tests: the handler answers each request
 * and gets its index, so a test can script "429, then success".
 */
export async function startTestHttpServer(
  handler: (req: RecordedRequest, res: ServerResponse, index: number) => unknown,
): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const gone: Promise<void>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const index = requests.length;
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: undefined,
    };
    requests.push(recorded);
    gone[index] = new Promise((resolve) => res.on("close", () => (res.writableFinished ? undefined : resolve())));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      try {
        recorded.body = raw ? JSON.parse(raw) : undefined;
      } catch {
        recorded.body = raw;
      }
      Promise.resolve(handler(recorded, res, index)).catch((err: unknown) => {
        res.destroy(err as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clientGone: (n) => gone[n] ?? Promise.reject(new Error(`no request ${n}`)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes one server-sent event. */
export function sendEvent(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
