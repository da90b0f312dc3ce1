import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { Marked, type RendererExtension, type TokenizerExtension, type Tokens } from "marked";

// Only the languages people ask about at work: each one costs bundle size, and code in any other
// language is still shown, just not coloured.
for (const [name, language] of Object.entries({
  bash,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  sql,
  typescript,
  xml,
  yaml,
})) {
  hljs.registerLanguage(name, language);
}

/** Attribute the copy button of a code block carries; the rendering component listens for it. */
export const COPY_CODE_ATTRIBUTE = "data-copy-code";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Code block text coloured by highlight.js when its language is known, escaped as it is otherwise. */
export function highlightCode(code: string, language: string): string {
  if (language && hljs.getLanguage(language)) {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  }
  return escapeHtml(code);
}

/** Attribute of an inline citation ("[2]" in an answer) button; its value is the source's number. */
export const CITE_ATTRIBUTE = "data-cite";

/** How the answer being rendered may cite: how many sources it has, and a button's accessible name. */
export interface CitationOptions {
  count: number;
  label: (number: number) => string;
}

let copyLabel = "Copy";
let citations: CitationOptions | undefined;

/**
 * "[2]" or "[1, 3]" in an answer, when those numbers are among its sources, becomes buttons that
 * open the passages. Anything else in brackets (links, "[x]", numbers past the sources) stays text.
 */
const citationExtension: TokenizerExtension & RendererExtension = {
  name: "citation",
  level: "inline",
  start(src) {
    const index = src.search(/\[\d/);
    return index < 0 ? undefined : index;
  },
  tokenizer(src) {
    const match = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?![(:])/.exec(src);
    if (!match || !citations) return undefined;
    const max = citations.count;
    const numbers = (match[1] ?? "").split(",").map((part) => Number(part.trim()));
    if (numbers.some((n) => n < 1 || n > max)) return undefined;
    return { type: "citation", raw: match[0], numbers };
  },
  renderer(token) {
    const label = citations?.label ?? String;
    return (token.numbers as number[])
      .map(
        (n) =>
          `<button type="button" class="citation" ${CITE_ATTRIBUTE}="${n}" aria-label="${escapeHtml(label(n))}">${n}</button>`,
      )
      .join("");
  },
};

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    code({ text, lang }: Tokens.Code) {
      const language = (lang ?? "").trim().split(/\s+/)[0]?.toLowerCase() ?? "";
      return (
        `<div class="code-block"><div class="code-block-bar"><span>${escapeHtml(language || "text")}</span>` +
        `<button type="button" ${COPY_CODE_ATTRIBUTE}>${escapeHtml(copyLabel)}</button></div>` +
        `<pre><code class="hljs">${highlightCode(text.replace(/\n$/, ""), language)}</code></pre></div>`
      );
    },
  },
  extensions: [citationExtension],
});

let isHookInstalled = false;

/** Links in answers open in a new tab and never hand this page to the site they lead to. */
function installLinkHook() {
  if (isHookInstalled) return;
  isHookInstalled = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.getAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
}

/** What rendering needs besides the text: the code copy button's label and the answer's citations. */
export interface MarkdownOptions {
  copyLabel: string;
  citations?: CitationOptions;
}

/** Markdown to HTML, code blocks coloured with a copy button; NOT sanitized (renderMarkdown is). */
export function markdownToHtml(source: string, options: MarkdownOptions): string {
  copyLabel = options.copyLabel;
  citations = options.citations;
  try {
    return marked.parse(source, { async: false });
  } finally {
    citations = undefined;
  }
}

/**
 * Turns a (possibly half-streamed) markdown answer into HTML that is safe to insert: GitHub-flavoured
 * markdown, code blocks coloured with a copy button, then DOMPurify removing scripts, event
 * handlers, styles and forms a model (or a prompt injection) may have written.
 */
export function renderMarkdown(source: string, options: MarkdownOptions): string {
  installLinkHook();
  return DOMPurify.sanitize(markdownToHtml(source, options), {
    FORBID_TAGS: ["style", "form", "input", "textarea", "select", "iframe", "object", "embed"],
    FORBID_ATTR: ["style"],
    ADD_ATTR: ["target"],
  });
}
