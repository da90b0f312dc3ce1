import type { ErrorCode } from "@atrium/contracts";

/** The one error family services throw; the error plugin maps it to {error:{code,message,requestId}}. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code: ErrorCode, message: string) => new AppError(401, code, message);
export const forbidden = (message = "You do not have permission to do this. Ask an administrator.") =>
  new AppError(403, "auth.forbidden", message);
export const notFound = (code: ErrorCode, message: string) => new AppError(404, code, message);
export const conflict = (code: ErrorCode, message: string) => new AppError(409, code, message);
export const tooMany = (message: string) => new AppError(429, "request.rate_limited", message);
