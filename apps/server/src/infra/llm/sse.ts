/** One server-sent event: its `event:` name (undefined when absent) and its joined `data:` lines. */
export interface SseMessage {
  event: string | undefined;
  data: string;
}

/**
 * Parses a text/event-stream body (WHATWG rules: CR, LF or CRLF line ends, comments, multi-line
 * data) into messages. An event cut off without its closing blank line is dropped, as the
 * standard says: a half-sent JSON payload must not be parsed.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: string | undefined;
  let data: string[] = [];

  function* takeLines(final: boolean): Generator<string> {
    while (true) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) return;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (!final && match[0] === "\r" && match.index === buffer.length - 1) return;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      yield line;
    }
  }

  function* feed(final: boolean): Generator<SseMessage> {
    for (const line of takeLines(final)) {
      if (line === "") {
        if (data.length > 0) yield { event, data: data.join("\n") };
        event = undefined;
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* feed(false);
  }
  buffer += decoder.decode();
  yield* feed(true);
}
