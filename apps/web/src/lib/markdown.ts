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
import { Marked, type Tokens } from "marked";

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

let copyLabel = "Copy";

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

/** Markdown to HTML, code blocks coloured with a copy button; NOT sanitized (renderMarkdown is). */
export function markdownToHtml(source: string, options: { copyLabel: string }): string {
  copyLabel = options.copyLabel;
  return marked.parse(source, { async: false });
}

/**
 * Turns a (possibly half-streamed) markdown answer into HTML that is safe to insert: GitHub-flavoured
 * markdown, code blocks coloured with a copy button, then DOMPurify removing scripts, event
 * handlers, styles and forms a model (or a prompt injection) may have written.
 */
export function renderMarkdown(source: string, options: { copyLabel: string }): string {
  installLinkHook();
  return DOMPurify.sanitize(markdownToHtml(source, options), {
    FORBID_TAGS: ["style", "form", "input", "textarea", "select", "iframe", "object", "embed"],
    FORBID_ATTR: ["style"],
    ADD_ATTR: ["target"],
  });
}
