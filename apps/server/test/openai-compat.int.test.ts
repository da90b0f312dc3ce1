import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../src/infra/llm/fake.provider";
import { backends } from "./backends";
import { listen, scriptedFake } from "./chat-fixtures";
import { startTestApp, type TestApp } from "./harness";

describe.each(backends)("OpenAI-compatible API on $name (official openai client)", (backend) => {
  let t: TestApp;
  let fake: FakeProvider;
  let client: OpenAI;
  let owner: { authorization: string };
  let tenant: { id: string };

  beforeAll(async () => {
    fake = scriptedFake();
    t = await startTestApp(backend, {}, { envProvider: { provider: fake, model: "fake-1" } });
    const host = await listen(t);
    owner = await t.setupOwner();
    tenant = await t.createTenant(owner, "API Dept");
    const key = await t.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: owner,
      payload: { name: "sdk", tenantId: tenant.id },
    });
    client = new OpenAI({ apiKey: key.json().key, baseURL: `http://${host}/v1`, maxRetries: 0 });
  });
  afterAll(() => t?.close());

  it("lists the tenant's assistants as models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(["documents", "general"]);
  });

  it("completes without streaming and records the request", async () => {
    const res = await client.chat.completions.create({
      model: "general",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello from sdk" },
      ],
    });
    expect(res.choices[0]?.message.content).toBe("Hello there");
    expect(res.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    const sent = fake.calls.at(-1)?.messages.map((m) => m.role) ?? [];
    // The assistant's own system prompt, the caller's system message, then the question.
    expect(sent).toEqual(["system", "system", "user"]);
    const records = (await t.app.inject({ url: `/api/v1/records?tenantId=${tenant.id}`, headers: owner })).json();
    expect(records.items[0]).toMatchObject({ channel: "openai", status: "done", chatId: null });
  });

  it("a caller's temperature applies to its own request only", async () => {
    await client.chat.completions.create({
      model: "general",
      messages: [{ role: "user", content: "hello warm" }],
      temperature: 1.7,
    });
    expect(fake.calls.at(-1)?.temperature).toBe(1.7);
    await client.chat.completions.create({ model: "general", messages: [{ role: "user", content: "hello again" }] });
    expect(fake.calls.at(-1)?.temperature).not.toBe(1.7);
  });

  it("streams chunks that add up to the answer", async () => {
    const stream = await client.chat.completions.create({
      model: "general",
      messages: [{ role: "user", content: "hello stream" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello there");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ total_tokens: 15 });
  });

  it("answers unknown models, bad keys and provider failures with errors the client understands", async () => {
    await expect(
      client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 404,
    });
    const bad = new OpenAI({ apiKey: "atr_not-a-key", baseURL: client.baseURL, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toMatchObject({ status: 401 });
    await expect(
      client.chat.completions.create({ model: "general", messages: [{ role: "user", content: "please fail-mid" }] }),
    ).rejects.toMatchObject({ status: 503 });
  });

  it("refuses a signed-in session token: the API needs a key that names the tenant", async () => {
    const res = await t.app.inject({ url: "/v1/models", headers: owner });
    expect(res.statusCode).toBe(401);
  });
});
