import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const DEFAULT_DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

/**
 * Serves the built web app, with index.html for client-side routes. API paths that match nothing
 * get the JSON 404 instead. Returns false when no build exists.
 */
export async function registerWebUi(app: FastifyInstance, distDir = DEFAULT_DIST): Promise<boolean> {
  const hasBuild = existsSync(resolve(distDir, "index.html"));
  if (hasBuild) {
    await app.register(fastifyStatic, { root: distDir, wildcard: false, index: ["index.html"] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const isApi = path.startsWith("/api/") || path.startsWith("/v1/") || path.startsWith("/ws/");
    // A missing asset (e.g. after a rebuild with new hashes) is a 404, not the app's HTML page,
    // which the browser would fail to load as a script.
    const isAsset = path.startsWith("/assets/") || /\.[a-z0-9]{1,5}$/i.test(path);
    if (hasBuild && request.method === "GET" && !isApi && !isAsset) {
      return reply.type("text/html").sendFile("index.html");
    }
    return reply.status(404).send({
      error: {
        code: "request.not_found",
        message: `No route ${request.method} ${path}. See /api/v1/docs.`,
        requestId: request.id,
      },
    });
  });
  return hasBuild;
}
