import { describe, expect, it } from "vitest";
import { highlightCode, markdownToHtml } from "./markdown";

// Sanitizing (renderMarkdown) is checked in a real browser: happy-dom's tree walker differs from
// browsers' enough that DOMPurify removes the wrong nodes there.
const render = (source: string) => markdownToHtml(source, { copyLabel: "Copy code" });

describe("markdownToHtml", () => {
  it("renders GitHub-flavoured markdown with line breaks as written", () => {
    const html = render("**Hi**\nthere\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(html).toContain("<strong>Hi</strong><br>there");
    expect(html).toContain("<table>");
  });

  it("colours code blocks of known languages and gives each a labelled copy button", () => {
    const html = render("```ts\nconst a: number = 1;\n```");
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain("<span>ts</span>");
    expect(html).toContain("data-copy-code>Copy code</button>");
  });

  it("shows a code block that is still being streamed (no closing fence yet)", () => {
    expect(render("Here:\n```python\nprint(1)")).toContain('<span class="hljs-built_in">print</span>');
  });
});

describe("citations", () => {
  const withSources = (source: string, count: number) =>
    markdownToHtml(source, { copyLabel: "Copy", citations: { count, label: (n) => `Source ${n}` } });

  it("turns [n] and [n, m] into buttons for sources the answer has", () => {
    const html = withSources("Use a lock [1]. Both agree [1, 2].", 2);
    expect(html).toContain('<button type="button" class="citation" data-cite="1" aria-label="Source 1">1</button>.');
    expect(html).toContain(
      'data-cite="1" aria-label="Source 1">1</button><button type="button" class="citation" data-cite="2"',
    );
  });

  it("leaves numbers past the sources, links and code alone", () => {
    const html = withSources("See [3] and [1](https://example.org) and `a[1]`.", 2);
    expect(html).not.toContain("data-cite");
    expect(html).toContain("See [3] and");
    expect(html).toContain('<a href="https://example.org">1</a>');
    expect(html).toContain("<code>a[1]</code>");
  });

  it("keeps brackets as text when the answer has no sources", () => {
    expect(render("Item [1]")).toContain("Item [1]");
  });
});

describe("highlightCode", () => {
  it("escapes code in languages it does not colour", () => {
    expect(highlightCode("<b>x</b>", "cobol")).toBe("&#60;b&#62;x&#60;/b&#62;");
    expect(highlightCode("<b>x</b>", "")).toBe("&#60;b&#62;x&#60;/b&#62;");
  });
});
