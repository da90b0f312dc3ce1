import { describe, expect, it } from "vitest";
import { parseSse } from "./sse";

async function collect(parts: string[]) {
  async function* body() {
    for (const p of parts) yield new TextEncoder().encode(p);
  }
  const out = [];
  for await (const m of parseSse(body())) out.push(m);
  return out;
}

describe("parseSse", () => {
  it("parses named events with data, across chunk boundaries and CRLF split in two", async () => {
    const messages = await collect([
      "event: a\r",
      '\ndata: {"x"',
      ":1}\r\n\r\n",
      ": comment\n",
      "data: one\ndata: two\n\n",
    ]);
    expect(messages).toEqual([
      { event: "a", data: '{"x":1}' },
      { event: undefined, data: "one\ntwo" },
    ]);
  });

  it("decodes multi-byte characters split between chunks", async () => {
    const bytes = new TextEncoder().encode("data: привет\n\n");
    async function* body() {
      yield bytes.slice(0, 8);
      yield bytes.slice(8);
    }
    const out = [];
    for await (const m of parseSse(body())) out.push(m.data);
    expect(out).toEqual(["привет"]);
  });

  it("drops an event cut off before its blank line", async () => {
    expect(await collect(["data: complete\n\n", 'data: {"half'])).toEqual([{ event: undefined, data: "complete" }]);
  });
});
