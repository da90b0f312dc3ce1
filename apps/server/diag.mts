import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "./src/app.ts";
import { testConfig } from "./src/config/config.ts";
import { buildContainer } from "./src/container.ts";
import { openDatabase } from "./src/infra/db/database.ts";
import { createFakeProvider } from "./src/infra/llm/fake.provider.ts";
import { createArgon2Hasher } from "./src/infra/passwords.ts";
const dataDir = mkdtempSync(join(tmpdir(), "diag-"));
const config = testConfig({ ATRIUM_DATA_DIR: dataDir, ACCESS_TOKEN_TTL_SECONDS: 86400, LOGIN_IP_PER_MINUTE: 10000 });
const database = await openDatabase({ dataDir });
const fake = createFakeProvider({ id: "fake", models: ["fake-1"], script: { tokens: ["ok"], usage: { inputTokens: 10, outputTokens: 1 } } });
const container = await buildContainer(config, { database, hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }), llmSleep: async () => {}, envProvider: { provider: fake, model: "fake-1" } });
const app = await buildApp(container); await app.ready();
const inj = async (o: any) => { const r = await app.inject(o); if (r.statusCode >= 300) throw new Error(r.body); return r.json(); };
const password = "Bench-Passw0rd-1";
const setup = await inj({ method: "POST", url: "/api/v1/setup", payload: { email: "o@b.example", name: "O", password } });
const H = { authorization: `Bearer ${setup.access_token}` };
const tenant = await inj({ method: "POST", url: "/api/v1/tenants", headers: H, payload: { name: "Dept" } });
const as = await inj({ url: `/api/v1/assistants?tenantId=${tenant.id}`, headers: H });
const general = as.find((a: any) => a.kind === "general");
const chat = await inj({ method: "POST", url: "/api/v1/chats", headers: H, payload: { tenantId: tenant.id, assistantId: general.id } });
for (let i = 0; i < 20; i++) await inj({ method: "POST", url: `/api/v1/chats/${chat.id}/messages`, headers: H, payload: { content: `hello ${i}` } });
const pg = (database as any).pglite;
const userId = chat.userId ?? chat.user_id;
console.log("chat", chat.id, "user", userId);
const access = `select "chats"."id", "chats"."tenant_id", "chats"."user_id", "chats"."assistant_id", "assistants"."name", "assistants"."kind", "chats"."title", "chats"."created_at", "chats"."updated_at", "tenants"."name", "memberships"."role" from "chats" inner join "assistants" on "assistants"."id" = "chats"."assistant_id" inner join "tenants" on "tenants"."id" = "chats"."tenant_id" left join "memberships" on ("memberships"."tenant_id" = "chats"."tenant_id" and "memberships"."user_id" = "chats"."user_id") where "chats"."id" in ($1)`;
const history = `select "chats"."id", "last"."id", "last"."role", "last"."content", "last"."status" from "chats" cross join lateral (select "id", "role", "content", "status", "seq" from "messages" where "messages"."chat_id" = "chats"."id" order by "messages"."seq" desc limit 40) "last" where "chats"."id" in ($1) order by "last"."seq"`;
async function scoped(tenantId: string, f: () => Promise<void>) {
  await pg.exec("begin");
  await pg.query("select set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true), set_config('app.bypass_rls', 'off', true)", [tenantId, userId]);
  await f();
  await pg.exec("commit");
}

import { protocol, parse as pgparse } from "@electric-sql/pglite";
const S = protocol.serialize;
const cat = (parts: Uint8Array[]) => { const n = parts.reduce((a, p) => a + p.length, 0); const o = new Uint8Array(n); let i = 0; for (const p of parts) { o.set(p, i); i += p.length; } return o; };
let prepared = false;
async function fused(name: string, q: string, params: string[]) {
  const parts: Uint8Array[] = [];
  if (!prepared) { parts.push(S.parse({ name, text: q, types: [] })); prepared = true; }
  parts.push(S.bind({ statement: name, values: params }), S.describe({ type: "P" }), S.execute({}), S.sync());
  const r = await pg.execProtocol(cat(parts));
  return pgparse.parseResults(r.messages, pg.parsers ?? {}, {})[0];
}
await scoped(tenant.id, async () => {
  for (const [label, fn] of [
    ["query", () => pg.query(access, [chat.id])],
    ["fused named", () => fused("acc", access, [chat.id])],
    ["query history", () => pg.query(history, [chat.id])],
  ] as const) {
    for (let i = 0; i < 20; i++) await fn();
    const n = 300; const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    console.log(label, ((performance.now() - t0) / n).toFixed(3), "ms/query");
  }
  console.log(JSON.stringify((await fused("acc", access, [chat.id])).rows[0]));
});
await app.close(); await container.close(); await database.close();
