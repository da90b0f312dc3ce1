import { describe, expect, it } from "vitest";
import { parseMarkdown } from "./markdown.parser";

describe("parseMarkdown", () => {
  it("keeps headings, lists, fenced code, tables and quotes, with inline markup reduced to text", () => {
    const source = [
      "---",
      "title: Deploy Guide",
      "---",
      "# Deploying",
      "",
      "Read the [checklist](https://example.com/list) **before** you start.",
      "",
      "<!-- internal note -->",
      "",
      "## Steps",
      "",
      "1. Build the image",
      "2. Push it",
      "   - with `docker push`",
      "",
      "```sh",
      "docker build -t app .",
      "```",
      "",
      "| Env | URL |",
      "|-----|-----|",
      "| prod | https://app.example.com |",
      "",
      "> Never deploy on Fridays.",
    ].join("\n");
    const doc = parseMarkdown(Buffer.from(source));
    expect(doc.title).toBe("Deploy Guide");
    expect(doc.language).toBe("en");
    expect(doc.blocks).toEqual([
      { kind: "heading", text: "Deploying", level: 1, headingPath: [] },
      { kind: "paragraph", text: "Read the checklist before you start.", headingPath: ["Deploying"] },
      { kind: "heading", text: "Steps", level: 2, headingPath: ["Deploying"] },
      { kind: "list-item", text: "Build the image", headingPath: ["Deploying", "Steps"] },
      { kind: "list-item", text: "Push it", headingPath: ["Deploying", "Steps"] },
      { kind: "list-item", text: "with docker push", headingPath: ["Deploying", "Steps"] },
      { kind: "code", text: "docker build -t app .", headingPath: ["Deploying", "Steps"] },
      { kind: "table-row", text: "Env: prod | URL: https://app.example.com", headingPath: ["Deploying", "Steps"] },
      { kind: "quote", text: "Never deploy on Fridays.", headingPath: ["Deploying", "Steps"] },
    ]);
  });

  it("takes the first heading as title when there is no front matter", () => {
    expect(parseMarkdown(Buffer.from("Intro line.\n\n# Real Title\n\nBody.")).title).toBe("Real Title");
  });
});
