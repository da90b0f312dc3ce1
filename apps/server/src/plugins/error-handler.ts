import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError } from "../lib/errors";

interface Issue {
  path: string;
  message: string;
}

/** Maps every error to {error:{code,message,requestId}}; unknown errors are logged and answered 500. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const send = (status: number, code: string, message: string, details?: unknown) =>
      reply.status(status).send({ error: { code, message, requestId: request.id, ...(details ? { details } : {}) } });

    if (err instanceof AppError) return send(err.status, err.code, err.message, err.details);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues: Issue[] = err.validation.map((v) => ({
        path: [
          err.validationContext,
          ...String(v.instancePath || "")
            .split("/")
            .filter(Boolean),
        ].join("."),
        message: v.message ?? "invalid",
      }));
      const first = issues[0];
      return send(400, "request.invalid", first ? `${first.path}: ${first.message}` : "The request is not valid.", {
        issues,
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, "response did not match its schema");
      return send(
        500,
        "internal",
        "Something went wrong on our side. Try again; if it persists, tell an administrator.",
      );
    }
    switch (err.code) {
      case "FST_ERR_CTP_INVALID_JSON_BODY":
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return send(
          400,
          "request.malformed_json",
          "The request body is not valid JSON. Check the syntax and send it again.",
        );
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return send(413, "request.too_large", "The request body is too large. Send less data at a time.");
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return send(415, "request.unsupported_media_type", "This content type is not accepted here. Send JSON.");
      case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
        return send(400, "request.invalid", "The Content-Length header does not match the body.");
    }
    if (err.statusCode === 429) {
      return send(429, "request.rate_limited", "Too many requests. Wait a minute and try again.");
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return send(err.statusCode, "request.invalid", err.message);
    }
    request.log.error({ err }, "unhandled error");
    return send(500, "internal", "Something went wrong on our side. Try again; if it persists, tell an administrator.");
  });
}
