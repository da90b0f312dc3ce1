import {
  AssistantKindSchema,
  ERROR_CODES,
  InstanceRoleSchema,
  MessageStatusSchema,
  PromptStageSchema,
  ProviderKindSchema,
  TenantRoleSchema,
} from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { REVIEW_TAGS } from "../features/chat/review-dialog";
import { THEME_PREFERENCES } from "../lib/theme";
import { en } from "./en";
import { i18n } from "./index";
import { ru } from "./ru";

type Tree = { [key: string]: string | Tree };

/** Every leaf of a translation tree as "a.b.c" → text. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

function lookup(tree: Tree, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const english = flatten(en);
const russian = flatten(ru);

describe("translations", () => {
  it("have the same keys in English and Russian", () => {
    expect([...russian.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("have no empty texts and use the same placeholders in both languages", () => {
    for (const [key, text] of english) {
      const other = russian.get(key) ?? "";
      expect(text.trim(), `en ${key}`).not.toBe("");
      expect(other.trim(), `ru ${key}`).not.toBe("");
      expect(placeholders(other), `placeholders of ${key}`).toEqual(placeholders(text));
    }
  });

  it("translate every API error code in both languages", () => {
    for (const code of ERROR_CODES) {
      expect(typeof lookup(en, `errors.${code}`), `en errors.${code}`).toBe("string");
      expect(typeof lookup(ru, `errors.${code}`), `ru errors.${code}`).toBe("string");
      expect(i18n.exists(`errors.${code}`, { lng: "ru", fallbackLng: [] }), `i18next ru errors.${code}`).toBe(true);
    }
  });

  it("have the keys built from values at run time (roles, themes, kinds, stages, tags, statuses)", () => {
    for (const role of [...InstanceRoleSchema.options, ...TenantRoleSchema.options]) {
      expect(english.has(`roles.${role}`), `roles.${role}`).toBe(true);
    }
    for (const theme of THEME_PREFERENCES) {
      expect(english.has(`layout.theme.${theme}`), `layout.theme.${theme}`).toBe(true);
    }
    const runtimeKeys = [
      ...AssistantKindSchema.options.flatMap((kind) => [`chat.kinds.${kind}`, `assistantsAdmin.kindHints.${kind}`]),
      ...PromptStageSchema.options.flatMap((stage) => [`prompts.stages.${stage}`, `prompts.stageHints.${stage}`]),
      ...ProviderKindSchema.options.flatMap((kind) => [`providers.kinds.${kind}`, `providers.baseUrlHints.${kind}`]),
      ...REVIEW_TAGS.map((tag) => `chat.review.tags.${tag}`),
      ...MessageStatusSchema.options.map((status) => `records.status.${status}`),
    ];
    for (const key of runtimeKeys) expect(english.has(key), key).toBe(true);
  });

  it("contain every key the source code asks for", () => {
    const sources = import.meta.glob(["../**/*.{ts,tsx}", "!../**/*.test.{ts,tsx}"], {
      query: "?raw",
      import: "default",
      eager: true,
    }) as Record<string, string>;
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const match of text.matchAll(/\bt\(\s*"([^"]+)"|i18nKey="([^"]+)"/g)) used.add(match[1] ?? match[2] ?? "");
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !english.has(key));
    expect(missing).toEqual([]);
  });
});
