import type { PromptStage } from "@atrium/contracts";

/** The assistants a fresh install has, enabled for every new tenant. */
export const DEFAULT_ASSISTANTS: {
  slug: string;
  kind: "general" | "documents";
  name: string;
  description: string;
  pipeline: Record<string, boolean>;
  prompts: Partial<Record<PromptStage, string>>;
}[] = [
  {
    slug: "general",
    kind: "general",
    name: "General assistant",
    description: "Open conversation: writing, summarising, explaining.",
    pipeline: {},
    prompts: {
      system:
        "You are Atrium, a helpful assistant for the {{tenant}} department. Answer clearly and concisely. " +
        "If you are not sure, say so. Today is {{date}}.",
    },
  },
  {
    slug: "documents",
    kind: "documents",
    name: "Documents assistant",
    description: "Answers from your department's documents, with citations.",
    pipeline: { condenseQuestion: true, retrieval: true, citations: true },
    prompts: {
      system:
        "You answer questions for the {{tenant}} department using ONLY the numbered passages provided. " +
        "Cite passages inline as [1], [2]. If the passages do not contain the answer, say you could not " +
        "find it in the documents. Never invent facts.",
      answer: "Passages:\n{{context}}\n\nQuestion: {{question}}",
      condense:
        "Given the conversation so far, rewrite the last question so it can be understood on its own. " +
        "Reply with the rewritten question only.",
    },
  },
];

/** Fills {{name}} placeholders; unknown names are left as they are. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}
