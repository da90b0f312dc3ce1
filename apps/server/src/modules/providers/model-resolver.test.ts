import { describe, expect, it } from "vitest";
import type { DB } from "../../infra/db/database";
import { createSecretBox } from "../../infra/secrets";
import { createModelResolver } from "./model-resolver";
import type { ProviderRow } from "./providers.repository";

const row = (over: Partial<ProviderRow> = {}): ProviderRow => ({
  id: "p1",
  name: "Local vLLM",
  kind: "openai",
  baseUrl: "http://127.0.0.1:9/v1",
  apiKeyEncrypted: null,
  models: [{ id: "m1" }],
  isEnabled: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

/** A resolver over an in-memory provider table that counts its reads. */
function setup(cacheMs?: number) {
  let rows = [row()];
  let reads = 0;
  const resolver = createModelResolver({
    database: { scoped: (_scope, fn) => fn({} as DB) },
    providers: {
      list: async () => {
        reads++;
        return rows;
      },
      findById: async (id) => {
        reads++;
        return rows.find((r) => r.id === id);
      },
    },
    secrets: createSecretBox("test"),
    gateway: { timeouts: { firstTokenMs: 1000, totalMs: 1000 }, retry: { attempts: 1, baseDelayMs: 1 } },
    ...(cacheMs !== undefined ? { cacheMs } : {}),
  });
  return {
    resolver,
    reads: () => reads,
    setRows: (next: ProviderRow[]) => {
      rows = next;
    },
  };
}
const general = { providerId: null, model: "" };

describe("model resolver", () => {
  it("reads the providers once per cache period, and again at once after a change", async () => {
    const s = setup();
    expect((await s.resolver.resolve(general)).model).toBe("m1");
    await s.resolver.resolve(general);
    expect(s.reads()).toBe(1);
    s.setRows([row({ isEnabled: false }), row({ id: "p2", models: [{ id: "m2" }] })]);
    s.resolver.invalidate();
    expect((await s.resolver.resolve(general)).model).toBe("m2");
    expect(s.reads()).toBe(2);
  });

  it("with the cache off, reads the providers for every answer", async () => {
    const s = setup(0);
    await s.resolver.resolve(general);
    await s.resolver.resolve(general);
    expect(s.reads()).toBe(2);
  });

  it("answers with the built-in extractive answerer when no provider is enabled", async () => {
    const s = setup();
    s.setRows([row({ isEnabled: false })]);
    const model = await s.resolver.resolve(general);
    expect(model.isExtractive).toBe(true);
  });
});
