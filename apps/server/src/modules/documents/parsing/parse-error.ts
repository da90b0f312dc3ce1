/** Stable codes of the ways a document can fail to parse; each message tells the user what to do. */
export type ParseErrorCode =
  | "document.unsupported_type"
  | "document.encrypted"
  | "document.wrong_password"
  | "document.no_text"
  | "document.unreadable";

/**
 * Thrown by every parser for a document that cannot be read. The documents service maps it to an
 * API error; `message` is written for the person who uploaded the file.
 */
export class ParseError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ParseError";
  }
}

/** A ParseError saying the file is damaged or not what it claims to be. */
export function unreadable(what: string, cause?: unknown): ParseError {
  return new ParseError(
    "document.unreadable",
    `This ${what} file could not be read; it may be damaged or not really a ${what}. Open it, save it again, and re-upload it.`,
    { cause },
  );
}
