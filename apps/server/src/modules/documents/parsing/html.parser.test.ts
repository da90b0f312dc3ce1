import { describe, expect, it } from "vitest";
import { parseHtml } from "./html.parser";

const html = (body: string, head = "<title>Handbook</title>") =>
  Buffer.from(
    `<!DOCTYPE html><html><head>${head}<style>p{color:red}</style><script>var x = "script text";</script></head><body>${body}</body></html>`,
  );

describe("parseHtml", () => {
  it("keeps headings, paragraphs, lists and code, and drops scripts, navigation, header, footer and SVG", () => {
    const doc = parseHtml(
      html(
        '<header><a href="/">Home</a></header><nav><ul><li>Menu item</li></ul></nav>' +
          '<div class="sidebar">Sidebar links</div>' +
          "<main><h1>Vacation</h1><p>Employees get <b>25 days</b> a year.</p>" +
          '<svg><text x="1">diagram label</text></svg>' +
          "<h2>Carry-over</h2><ul><li>Up to 5 days<ul><li>until March</li></ul></li><li>Ask HR</li></ul>" +
          "<pre><code>days = 25\nleft = days - used</code></pre><blockquote><p>Rest matters.</p></blockquote></main>" +
          "<footer>Copyright</footer>",
      ),
    );
    expect(doc.title).toBe("Handbook");
    expect(doc.blocks).toEqual([
      { kind: "heading", text: "Vacation", level: 1, headingPath: [] },
      { kind: "paragraph", text: "Employees get 25 days a year.", headingPath: ["Vacation"] },
      { kind: "heading", text: "Carry-over", level: 2, headingPath: ["Vacation"] },
      { kind: "list-item", text: "Up to 5 days", headingPath: ["Vacation", "Carry-over"] },
      { kind: "list-item", text: "until March", headingPath: ["Vacation", "Carry-over"] },
      { kind: "list-item", text: "Ask HR", headingPath: ["Vacation", "Carry-over"] },
      { kind: "code", text: "days = 25\nleft = days - used", headingPath: ["Vacation", "Carry-over"] },
      { kind: "quote", text: "Rest matters.", headingPath: ["Vacation", "Carry-over"] },
    ]);
  });

  it("turns data tables into rows named by their header, and reads layout tables as text", () => {
    const doc = parseHtml(
      html(
        "<table><thead><tr><th>Plan</th><th>Price</th></tr></thead><tbody><tr><td>Basic</td><td>$5</td></tr><tr><td>Pro</td><td><p>$15</p></td></tr></tbody></table>" +
          "<table><tr><td><h2>Layout</h2><p>Inside a layout cell.</p></td></tr></table>",
      ),
    );
    expect(doc.blocks.map((b) => [b.kind, b.text])).toEqual([
      ["table-row", "Plan: Basic | Price: $5"],
      ["table-row", "Plan: Pro | Price: $15"],
      ["heading", "Layout"],
      ["paragraph", "Inside a layout cell."],
    ]);
  });

  it("falls back to the first heading for the title and strips permalink marks", () => {
    const doc = parseHtml(html('<h1>Release Notes<a class="anchor" href="#x">#</a></h1><p>Version 2 is out.</p>', ""));
    expect(doc.title).toBe("Release Notes");
    expect(doc.blocks[0]?.text).toBe("Release Notes");
  });

  it("ignores hidden elements and decodes entities", () => {
    const doc = parseHtml(
      html('<p hidden>secret</p><p style="display: none">also secret</p><p>Fish &amp; chips &mdash; &#8364;5</p>'),
    );
    expect(doc.blocks.map((b) => b.text)).toEqual(["Fish & chips — €5"]);
  });
});
