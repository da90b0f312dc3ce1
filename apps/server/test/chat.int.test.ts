import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/infra/db/database";
import { messages } from "../src/infra/db/schema";
import type { FakeProvider } from "../src/infra/llm/fake.provider";
import { createChatsRepository } from "../src/modules/chats/chats.repository";
import { backends } from "./backends";
import { type Ev, listen, openSocket, readSse, scriptedFake } from "./chat-fixtures";
import { startTestApp, type TestApp } from "./harness";

type Auth = { authorization: string };

describe.each(backends)("chat on $name", (backend) => {
  let t: TestApp;
  let fake: FakeProvider;
  let host: string;
  let owner: Auth;
  let alice: Auth & { id: string; token: string };
  let tenant: { id: string };
  let general: { id: string };
  let documents: { id: string };

  beforeAll(async () => {
    fake = scriptedFake();
    t = await startTestApp(
      backend,
      { CHAT_RESUME_GRACE_SECONDS: 1 },
      { envProvider: { provider: fake, model: "fake-1" } },
    );
    host = await listen(t);
    owner = await t.setupOwner();
    const a = await t.createUser(owner, "alice@chat.example.com");
    alice = { ...a, token: a.authorization.slice("Bearer ".length) };
    tenant = await t.createTenant(owner, "Chat Dept");
    await t.addMember(owner, tenant.id, "alice@chat.example.com", "member");
    const list = (await t.app.inject({ url: `/api/v1/assistants?tenantId=${tenant.id}`, headers: alice })).json() as {
      id: string;
      kind: string;
    }[];
    general = list.find((x) => x.kind === "general") as { id: string };
    documents = list.find((x) => x.kind === "documents") as { id: string };
  });
  afterAll(() => t?.close());

  const newChat = async (assistantId = general.id, who: Auth = alice) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/chats",
      headers: who,
      payload: { tenantId: tenant.id, assistantId },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  /** The final write of Alice's answer in `chatId` (general assistant): its patch and request record. */
  const finalWrite = <A extends { id: string }>(chatId: string, answer: A, content: string) => ({
    patch: { ...answer, content, status: "done" as const },
    record: {
      tenantId: tenant.id,
      userId: alice.id,
      assistantId: general.id,
      chatId,
      messageId: answer.id,
      kind: "chat",
      channel: "http",
      status: "done",
    },
  });
  const messagesOf = async (chatId: string) =>
    (await t.app.inject({ url: `/api/v1/chats/${chatId}/messages`, headers: alice })).json().items as {
      id: string;
      role: string;
      content: string;
      status: string;
      errorCode: string | null;
    }[];

  it("a new tenant has the general and documents assistants", () => {
    expect(general).toBeDefined();
    expect(documents).toBeDefined();
  });

  it("answers over HTTP JSON and records model, prompt version, usage and a request record", async () => {
    const chat = await newChat();
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/chats/${chat.id}/messages`,
      headers: alice,
      payload: { content: "hello" },
    });
    expect(res.statusCode).toBe(200);
    const { userMessage, assistantMessage } = res.json();
    expect(userMessage).toMatchObject({ role: "user", content: "hello" });
    expect(assistantMessage).toMatchObject({
      role: "assistant",
      content: "Hello there",
      status: "done",
      model: "fake-1",
      providerKind: "fake",
      promptVersions: { system: 1 },
      usage: { inputTokens: 12, outputTokens: 3 },
    });
    // The system prompt was rendered with the tenant's name.
    expect(fake.calls.at(-1)?.messages[0]?.content).toContain("Chat Dept");
    const chatAfter = (await t.app.inject({ url: `/api/v1/chats/${chat.id}`, headers: alice })).json();
    expect(chatAfter.title).toBe("hello");
    const records = (await t.app.inject({ url: `/api/v1/records?tenantId=${tenant.id}`, headers: owner })).json();
    const rec = records.items.find((r: { messageId: string }) => r.messageId === assistantMessage.id);
    expect(rec).toMatchObject({
      kind: "chat",
      channel: "http",
      status: "done",
      model: "fake-1",
      inputTokens: 12,
      outputTokens: 3,
    });
    expect(rec.totalMs).toBeGreaterThanOrEqual(0);
    expect(rec.firstTokenMs).not.toBeNull();
  });

  it("sends the earlier turns of the chat as history", async () => {
    const chat = await newChat();
    await t.app.inject({
      method: "POST",
      url: `/api/v1/chats/${chat.id}/messages`,
      headers: alice,
      payload: { content: "hello first" },
    });
    await t.app.inject({
      method: "POST",
      url: `/api/v1/chats/${chat.id}/messages`,
      headers: alice,
      payload: { content: "hello second" },
    });
    const sent = fake.calls.at(-1)?.messages.map((m) => `${m.role}:${m.content}`) ?? [];
    expect(sent.slice(1)).toEqual(["user:hello first", "assistant:Hello there", "user:hello second"]);
  });

  it("keeps the history right when another API process also answers in the chat", async () => {
    // A second API process on the same database: its own hub and its own cache of chats.
    const shared = { ...t.container.database, close: async () => {} };
    const other = await startTestApp(
      { name: backend.name, open: async () => ({ database: shared, drop: async () => {} }) },
      { CHAT_RESUME_GRACE_SECONDS: 1 },
      { envProvider: { provider: fake, model: "fake-1" } },
    );
    try {
      const chat = await newChat();
      const send = async (app: TestApp["app"], content: string) => {
        const res = await app.inject({
          method: "POST",
          url: `/api/v1/chats/${chat.id}/messages`,
          headers: alice,
          payload: { content },
        });
        expect(res.statusCode).toBe(200);
      };
      const history = () =>
        fake.calls
          .at(-1)
          ?.messages.slice(1)
          .map((m) => `${m.role}:${m.content}`);
      await send(t.app, "hello one");
      await send(t.app, "hello two");
      await send(other.app, "hello three");
      await send(t.app, "hello four");
      const turns = (...qs: string[]) => qs.flatMap((q) => [`user:${q}`, "assistant:Hello there"]);
      expect(history()).toEqual([...turns("hello one", "hello two", "hello three"), "user:hello four"]);
      // Renamed by the user meanwhile: the history is still whole.
      const renamed = await other.app.inject({
        method: "PATCH",
        url: `/api/v1/chats/${chat.id}`,
        headers: alice,
        payload: { title: "Renamed" },
      });
      expect(renamed.statusCode).toBe(200);
      await send(t.app, "hello five");
      expect(history()).toEqual([...turns("hello one", "hello two", "hello three", "hello four"), "user:hello five"]);
    } finally {
      await other.close();
    }
  });

  it("refuses a member removed from the tenant at once, though their chat was just used", async () => {
    const carol = await t.createUser(owner, "carol@chat.example.com");
    await t.addMember(owner, tenant.id, "carol@chat.example.com", "member");
    const chat = await newChat(general.id, carol);
    const send = () =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: carol,
        payload: { content: "hello again" },
      });
    expect((await send()).statusCode).toBe(200);
    const removed = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/tenants/${tenant.id}/members/${carol.id}`,
      headers: owner,
    });
    expect(removed.statusCode).toBe(204);
    const refused = await send();
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe("tenant.not_found");
  });

  it("streams over Server-Sent Events in order", async () => {
    const chat = await newChat();
    const res = await fetch(`http://${host}/api/v1/chats/${chat.id}/messages`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ content: "hello sse" }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(res);
    expect(events[0]?.event).toBe("message.created");
    expect(events.at(-1)?.event).toBe("message.done");
    const tokens = events.filter((e) => e.event === "token");
    expect(tokens.map((e) => e.data.text).join("")).toBe("Hello there");
    expect(tokens.map((e) => e.data.offset)).toEqual([0, 3, 5]);
    const final = events.at(-1)?.data.message as { content: string } | undefined;
    expect(final?.content).toBe("Hello there");
  });

  it("streams over WebSocket (token in the subprotocol) with several chats on one socket", async () => {
    const [c1, c2] = [await newChat(), await newChat()];
    const ws = await openSocket(host, alice.token);
    await ws.waitFor((e) => e.type === "ready");
    ws.send({ type: "send", chatId: c1.id, content: "hello one", ref: "r1" });
    ws.send({ type: "send", chatId: c2.id, content: "hello two", ref: "r2" });
    const done1 = await ws.waitFor((e) => e.type === "message.done" && e.chatId === c1.id);
    const done2 = await ws.waitFor((e) => e.type === "message.done" && e.chatId === c2.id);
    expect((done1.message as { content: string }).content).toBe("Hello there");
    expect((done2.message as { content: string }).content).toBe("Hello there");
    const created = ws.events.find((e) => e.type === "message.created" && e.ref === "r1");
    expect(created).toBeDefined();
    const order = ws.events.filter((e) => e.chatId === c1.id).map((e) => e.type);
    expect(order[0]).toBe("message.created");
    expect(order.at(-1)).toBe("message.done");
    await ws.close();
  });

  it("authenticates with a first auth message, and refuses work before it", async () => {
    const ws = await openSocket(host);
    ws.send({ type: "send", chatId: crypto.randomUUID(), content: "x" });
    expect((await ws.waitFor((e) => e.type === "error")).error).toMatchObject({ code: "auth.unauthenticated" });
    ws.send({ type: "auth", token: alice.token });
    await ws.waitFor((e) => e.type === "ready");
    ws.send({ type: "ping", ref: "p" });
    await ws.waitFor((e) => e.type === "pong" && e.ref === "p");
    ws.send({ type: "nonsense" });
    expect(
      (await ws.waitFor((e) => e.type === "error" && (e.error as { code: string }).code === "ws.bad_message")).type,
    ).toBe("error");
    await ws.close();
  });

  it("many concurrent sends: every question and every answer is stored, each with its request record", async () => {
    // Answers that finish together are written in shared transactions (group commit).
    const chats = await Promise.all(Array.from({ length: 24 }, () => newChat()));
    const results = await Promise.all(
      chats.map((chat, i) =>
        t.app.inject({
          method: "POST",
          url: `/api/v1/chats/${chat.id}/messages`,
          headers: alice,
          payload: { content: `question ${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(chats.map(() => 200));
    for (const [i, chat] of chats.entries()) {
      const stored = await messagesOf(chat.id);
      expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
        ["user", `question ${i}`, "done"],
        ["assistant", "Hello there", "done"],
      ]);
      expect(results[i]?.json().assistantMessage.id).toBe(stored[1]?.id);
    }
    const records = (
      await t.app.inject({ url: `/api/v1/records?tenantId=${tenant.id}&limit=500`, headers: owner })
    ).json();
    const recorded = new Set(records.items.map((r: { messageId: string }) => r.messageId));
    for (const r of results) expect(recorded.has(r.json().assistantMessage.id)).toBe(true);
  });

  it("the chat statements' functions write only inside the tenant they are given, and leave no scope behind", async () => {
    const other = await t.createTenant(owner, "Elsewhere Dept");
    const chat = await newChat();
    const repo = createChatsRepository(t.container.database.db);
    const send = (tenantId: string) =>
      repo.sendToChats(
        tenantId,
        [{ chatId: chat.id, userId: alice.id, admin: false, known: null, content: "scoped?", title: "t" }],
        100,
      );
    // Named with another tenant, the chat is invisible (row-level security): no outcome, nothing written.
    expect((await send(other.id)).size).toBe(0);
    expect(await messagesOf(chat.id)).toEqual([]);
    const outcome = (await send(tenant.id)).get(chat.id);
    expect(outcome?.allowed).toBe(true);
    const answer = outcome?.messages[1];
    if (!answer) throw new Error("no answer row");
    const { patch, record } = finalWrite(chat.id, answer, "final");
    expect((await repo.finishAnswers(other.id, [patch], [{ ...record, tenantId: other.id }])).size).toBe(0);
    expect((await messagesOf(chat.id)).map((m) => m.status)).toEqual(["done", "streaming"]);
    expect((await repo.finishAnswers(tenant.id, [patch], [record])).size).toBe(1);
    expect((await messagesOf(chat.id)).map((m) => m.content)).toEqual(["scoped?", "final"]);
    // Each call was its own transaction: the connection keeps no tenant (PGlite has only one).
    const [left] = rowsOf<{ tenant: string | null; bypass: string | null }>(
      await t.container.database.db.execute(
        sql`select current_setting('app.tenant_id', true) as tenant, current_setting('app.bypass_rls', true) as bypass`,
      ),
    );
    expect(left?.tenant ?? "").toBe("");
    expect(left?.bypass ?? "").not.toBe("on");
  });

  it("the chat functions plan their statements once per connection, not on every call", async () => {
    // Left to choose, PostgreSQL planned the final answer's statement afresh on every call (its
    // custom plans looked cheaper than the generic one): ~0.4 ms per message (migration 0015). No
    // statistics view counts a PL/pgSQL statement's plans, so this checks the functions' settings.
    const settings = await t.container.database.scoped({ bypass: true }, async (tx) =>
      rowsOf<{ proname: string; proconfig: string[] }>(
        await tx.execute(
          sql`select proname, proconfig from pg_proc where proname in ('atrium_chat_send', 'atrium_chat_finish') order by proname`,
        ),
      ),
    );
    expect(settings).toEqual([
      { proname: "atrium_chat_finish", proconfig: ["enable_seqscan=off", "plan_cache_mode=force_generic_plan"] },
      { proname: "atrium_chat_send", proconfig: ["enable_seqscan=off", "plan_cache_mode=force_generic_plan"] },
    ]);
  });

  it("the chat statements reach every row through an index, even while the tables are small", async () => {
    // A plan made on small tables may scan them whole, and the embedded database keeps plans with
    // no autovacuum to replace them: the final-answer statement grew 1.5 → 10.6 ms in 25 s of load.
    // Here every table is small, and the statements' generic plans (kept after five calls) would
    // scan them if free to choose (checked: without migration 0014 they do).
    const chat = await newChat();
    type Scans = { relname: string; seq_scan: number; idx_scan: number };
    const scans = await t.container.database.scoped({ bypass: true }, async (tx) => {
      const repo = createChatsRepository(tx);
      const message = async () => {
        const sent = (
          await repo.sendToChats(
            tenant.id,
            [{ chatId: chat.id, userId: alice.id, admin: false, known: null, content: "indexed?", title: "t" }],
            100,
          )
        ).get(chat.id);
        const answer = sent?.messages[1];
        if (!answer) throw new Error("no answer row");
        const { patch, record } = finalWrite(chat.id, answer, "yes");
        expect((await repo.finishAnswers(tenant.id, [patch], [record])).size).toBe(1);
        return sent;
      };
      // Counts this session has not reported yet (they may span earlier transactions): compare.
      const counts = async () =>
        new Map(
          rowsOf<Scans>(await tx.execute(sql`select relname, seq_scan, idx_scan from pg_stat_xact_user_tables`)).map(
            (r) => [r.relname, { seq: Number(r.seq_scan), idx: Number(r.idx_scan) }],
          ),
        );
      for (let i = 0; i < 6; i++) await message();
      const before = await counts();
      // With history (known: null), so the history read is planned and counted too.
      expect((await message())?.history?.length).toBe(12);
      const after = await counts();
      return [...after].map(([table, n]) => ({
        table,
        seq: n.seq - (before.get(table)?.seq ?? 0),
        idx: n.idx - (before.get(table)?.idx ?? 0),
      }));
    });
    expect(scans.filter((s) => s.seq > 0)).toEqual([]);
    expect(scans.filter((s) => s.idx > 0).map((s) => s.table)).toEqual(
      expect.arrayContaining(["chats", "messages", "memberships"]),
    );
  });

  it("concurrent sends to several tenants' chats, new to this process or not, each land in their own tenant", async () => {
    const second = await t.createTenant(owner, "Second Chat Dept");
    await t.addMember(owner, second.id, "alice@chat.example.com", "member");
    const chatIn = async (tenantId: string) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/chats",
        headers: alice,
        payload: { tenantId, assistantId: general.id },
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const mine = await Promise.all([tenant.id, second.id, tenant.id, second.id].map(chatIn));
    const strangers = (await newChat(general.id, owner)).id;
    const send = (chatId: string, content: string) =>
      t.app.inject({ method: "POST", url: `/api/v1/chats/${chatId}/messages`, headers: alice, payload: { content } });
    // Twice: first with chats this process has not sent to, then with chats it knows.
    for (const round of [1, 2]) {
      const results = await Promise.all([
        ...mine.map((id, i) => send(id, `round ${round} chat ${i}`)),
        send(strangers, "not mine"),
        send(crypto.randomUUID(), "nobody's"),
      ]);
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 404, 404]);
      expect(results.slice(4).map((r) => r.json().error.code)).toEqual(["chat.not_found", "chat.not_found"]);
    }
    const stored = await t.container.database.scoped({ bypass: true }, async (tx) =>
      tx
        .select({ chatId: messages.chatId, tenantId: messages.tenantId, content: messages.content })
        .from(messages)
        .where(inArray(messages.chatId, [...mine, strangers])),
    );
    const tenantOf = [tenant.id, second.id, tenant.id, second.id];
    for (const [i, id] of mine.entries()) {
      const rows = stored.filter((m) => m.chatId === id);
      expect(rows).toHaveLength(4);
      expect(rows.every((m) => m.tenantId === tenantOf[i])).toBe(true);
    }
    expect(stored.filter((m) => m.chatId === strangers)).toHaveLength(0);
    // The second round's answers had the first round as history.
    const last = fake.calls.filter((c) => c.messages.at(-1)?.content === "round 2 chat 1").at(-1);
    expect(last?.messages.slice(1).map((m) => m.content)).toEqual(["round 1 chat 1", "Hello there", "round 2 chat 1"]);
  });

  it("refuses a second question while the chat's answer is being written, and takes it once stopped", async () => {
    const chat = await newChat();
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "slow please", ref: "a" });
    const created = await ws.waitFor((e) => e.type === "message.created");
    ws.send({ type: "send", chatId: chat.id, content: "too soon", ref: "b" });
    const refused = await ws.waitFor((e) => e.type === "error" && e.ref === "b");
    expect((refused.error as { code: string }).code).toBe("message.busy");
    ws.send({ type: "stop", messageId: (created.assistantMessage as { id: string }).id });
    await ws.waitFor((e) => e.type === "message.done");
    ws.send({ type: "send", chatId: chat.id, content: "now then", ref: "c" });
    await ws.waitFor((e) => e.type === "message.created" && e.ref === "c");
    await ws.waitFor((e) => e.type === "message.done" && (e.message as { status: string }).status === "done");
    expect((await messagesOf(chat.id)).map((m) => [m.role, m.status])).toEqual([
      ["user", "done"],
      ["assistant", "stopped"],
      ["user", "done"],
      ["assistant", "done"],
    ]);
    await ws.close();
  });

  it("writes a running answer's text so far to the database, and never over its final row", async () => {
    const chat = await newChat();
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "slow please" });
    const created = await ws.waitFor((e) => e.type === "message.created");
    const messageId = (created.assistantMessage as { id: string }).id;
    await ws.waitFor(() => ws.events.filter((e) => e.type === "token").length >= 3);
    const stored = () =>
      t.container.database.scoped({ bypass: true }, (tx) => t.container.repos.chats.findMessage(messageId, tx));
    const deadline = Date.now() + 5000;
    while ((await stored())?.content !== "one two three " && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await stored()).toMatchObject({ status: "streaming", content: "one two three " });
    ws.send({ type: "stop", messageId });
    await ws.waitFor((e) => e.type === "message.done");
    // A flush arriving after the end must not turn the row back: it stays final.
    await t.container.database.scoped({ bypass: true }, (tx) =>
      t.container.repos.chats.flushPartials([{ id: messageId, content: "stale" }], tx),
    );
    expect(await stored()).toMatchObject({ status: "stopped", content: "one two three " });
    await ws.close();
  });

  it("stops an answer: the partial text is kept with status stopped", async () => {
    const chat = await newChat();
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "slow please" });
    const created = await ws.waitFor((e) => e.type === "message.created");
    const messageId = (created.assistantMessage as { id: string }).id;
    await ws.waitFor((e) => e.type === "token");
    ws.send({ type: "stop", messageId });
    const done = await ws.waitFor((e) => e.type === "message.done");
    const msg = done.message as { status: string; content: string };
    expect(msg.status).toBe("stopped");
    expect(msg.content.startsWith("one ")).toBe(true);
    expect((await messagesOf(chat.id)).find((m) => m.id === messageId)?.status).toBe("stopped");
    await ws.close();
  });

  it("a client that reconnects gets the rest of an answer that kept generating", async () => {
    const chat = await newChat();
    const first = await openSocket(host, alice.token);
    first.send({ type: "send", chatId: chat.id, content: "long answer" });
    const created = await first.waitFor((e) => e.type === "message.created");
    const messageId = (created.assistantMessage as { id: string }).id;
    await first.waitFor(() => first.events.filter((e) => e.type === "token").length >= 3);
    await first.close();
    const received = first.events
      .filter((e) => e.type === "token")
      .map((e) => e.text as string)
      .join("");

    const second = await openSocket(host, alice.token);
    second.send({ type: "resume", messageId, offset: received.length });
    const done = await second.waitFor((e) => e.type === "message.done", 15_000);
    const rest = second.events.filter((e) => e.type === "token");
    expect(rest[0]?.offset).toBe(received.length);
    const full = (done.message as { content: string; status: string }).content;
    expect((done.message as { status: string }).status).toBe("done");
    expect(received + rest.map((e) => e.text as string).join("")).toBe(full);
    expect(full).toBe(Array.from({ length: 40 }, (_, i) => `w${i} `).join(""));
    await second.close();
  });

  it("a client resuming on another process follows the answer from the database until it ends", async () => {
    const chat = await newChat();
    // An answer another API process is writing: its row is streaming and grows; this process's
    // hub has never heard of it (as after a reconnect through a load balancer).
    const { database } = t.container;
    const scope = { tenantId: tenant.id };
    const [row] = await database.scoped(scope, (tx) =>
      tx
        .insert(messages)
        .values({ chatId: chat.id, tenantId: tenant.id, role: "assistant", content: "Hello", status: "streaming" })
        .returning(),
    );
    if (!row) throw new Error("no row");
    const update = (patch: Partial<typeof messages.$inferInsert>) =>
      database.scoped(scope, (tx) => tx.update(messages).set(patch).where(eq(messages.id, row.id)));
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "resume", messageId: row.id, offset: 2 });
    await ws.waitFor((e) => e.type === "token");
    await update({ content: "Hello, world" });
    await ws.waitFor(() => ws.events.filter((e) => e.type === "token").length >= 2, 5000);
    await update({ content: "Hello, world!", status: "done" });
    const done = await ws.waitFor((e) => e.type === "message.done", 5000);
    const tokens = ws.events.filter((e) => e.type === "token");
    expect(tokens.map((e) => [e.offset, e.text])).toEqual([
      [2, "llo"],
      [5, ", world"],
      [12, "!"],
    ]);
    expect(done.message).toMatchObject({ id: row.id, status: "done", content: "Hello, world!" });
    await ws.close();
  });

  it("a disconnected client does not leave the answer streaming", async () => {
    const chat = await newChat();
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "slow and abandoned" });
    const created = await ws.waitFor((e) => e.type === "message.created");
    const messageId = (created.assistantMessage as { id: string }).id;
    await ws.close();
    let status = "streaming";
    for (let i = 0; i < 100 && status === "streaming"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await messagesOf(chat.id)).find((m) => m.id === messageId)?.status ?? "missing";
    }
    expect(status).toBe("stopped");
  });

  it("a provider error mid-stream gives a typed error event and keeps the user's message", async () => {
    const chat = await newChat();
    const ws = await openSocket(host, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "please fail-mid" });
    const failed = await ws.waitFor((e) => e.type === "message.failed");
    expect((failed.error as { code: string }).code).toBe("llm.unavailable");
    expect((failed.error as { message: string }).message.length).toBeGreaterThan(10);
    const msgs = await messagesOf(chat.id);
    expect(msgs.map((m) => [m.role, m.status])).toEqual([
      ["user", "done"],
      ["assistant", "failed"],
    ]);
    expect(msgs[0]?.content).toBe("please fail-mid");
    expect(msgs[1]).toMatchObject({ errorCode: "llm.unavailable", content: "partial " });
    await ws.close();
  });

  it("regenerates an answer as a new message", async () => {
    const chat = await newChat();
    const first = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: alice,
        payload: { content: "hello regen" },
      })
    ).json();
    const again = await t.app.inject({
      method: "POST",
      url: `/api/v1/messages/${first.assistantMessage.id}/regenerate`,
      headers: alice,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().assistantMessage.id).not.toBe(first.assistantMessage.id);
    expect(fake.calls.at(-1)?.messages.at(-1)?.content).toBe("hello regen");
    expect((await messagesOf(chat.id)).map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
  });

  it("marks (changeable) and reviews reach the tenant admins' feedback list", async () => {
    const chat = await newChat();
    const sent = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: alice,
        payload: { content: "hello rate" },
      })
    ).json();
    const id = sent.assistantMessage.id;
    const up = await t.app.inject({
      method: "PUT",
      url: `/api/v1/messages/${id}/mark`,
      headers: alice,
      payload: { value: 1 },
    });
    expect(up.json().myMark).toBe(1);
    await t.app.inject({ method: "PUT", url: `/api/v1/messages/${id}/mark`, headers: alice, payload: { value: -1 } });
    const review = await t.app.inject({
      method: "POST",
      url: `/api/v1/messages/${id}/reviews`,
      headers: alice,
      payload: { text: "Too short", tags: ["incomplete"] },
    });
    expect(review.statusCode).toBe(201);
    const onUser = await t.app.inject({
      method: "PUT",
      url: `/api/v1/messages/${sent.userMessage.id}/mark`,
      headers: alice,
      payload: { value: 1 },
    });
    expect(onUser.json().error.code).toBe("message.not_assistant");
    const mine = (await messagesOf(chat.id)).find((m) => m.id === id) as unknown as { myMark: number };
    expect(mine.myMark).toBe(-1);

    const fb = await t.app.inject({ url: `/api/v1/feedback?tenantId=${tenant.id}`, headers: owner });
    expect(fb.json().find((f: { messageId: string }) => f.messageId === id)).toMatchObject({
      mark: -1,
      review: "Too short",
      tags: ["incomplete"],
      userEmail: "alice@chat.example.com",
    });
    expect((await t.app.inject({ url: `/api/v1/feedback?tenantId=${tenant.id}`, headers: alice })).statusCode).toBe(
      403,
    );
  });

  it("versions prompts: a new version is used, restoring an old one switches back, tenant overrides win", async () => {
    const v2 = await t.app.inject({
      method: "POST",
      url: `/api/v1/assistants/${general.id}/prompts`,
      headers: owner,
      payload: { stage: "system", template: "V2 system for {{tenant}}", note: "shorter" },
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, isActive: true });
    const chat = await newChat();
    const ask = async () =>
      (
        await t.app.inject({
          method: "POST",
          url: `/api/v1/chats/${chat.id}/messages`,
          headers: alice,
          payload: { content: "hello prompt" },
        })
      ).json().assistantMessage;
    expect((await ask()).promptVersions).toEqual({ system: 2 });
    expect(fake.calls.at(-1)?.messages[0]?.content).toBe("V2 system for Chat Dept");

    const versions = (
      await t.app.inject({ url: `/api/v1/assistants/${general.id}/prompts?stage=system`, headers: owner })
    ).json();
    const v1 = versions.find((p: { version: number }) => p.version === 1);
    await t.app.inject({ method: "POST", url: `/api/v1/prompts/${v1.id}/activate`, headers: owner });
    expect((await ask()).promptVersions).toEqual({ system: 1 });

    // A member cannot edit prompts; the tenant's admin (the owner here) can override for the tenant.
    const denied = await t.app.inject({
      method: "POST",
      url: `/api/v1/assistants/${general.id}/prompts`,
      headers: alice,
      payload: { stage: "system", template: "x", tenantId: tenant.id },
    });
    expect(denied.statusCode).toBe(403);
    const override = await t.app.inject({
      method: "POST",
      url: `/api/v1/assistants/${general.id}/prompts`,
      headers: owner,
      payload: { stage: "system", template: "Tenant override", tenantId: tenant.id },
    });
    expect(override.json()).toMatchObject({ version: 1, tenantId: tenant.id });
    await ask();
    expect(fake.calls.at(-1)?.messages[0]?.content).toBe("Tenant override");
  });

  it("a tenant admin can disable an assistant for the tenant", async () => {
    const existing = await newChat(documents.id);
    const ask = () =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${existing.id}/messages`,
        headers: alice,
        payload: { content: "anything?" },
      });
    expect((await ask()).statusCode).toBe(200); // the resolved assistant is now cached
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/tenants/${tenant.id}/assistants/${documents.id}`,
      headers: owner,
      payload: { isEnabled: false },
    });
    expect(res.json().isEnabled).toBe(false);
    const list = (await t.app.inject({ url: `/api/v1/assistants?tenantId=${tenant.id}`, headers: alice })).json();
    expect(list.map((a: { id: string }) => a.id)).not.toContain(documents.id);
    const chat = await t.app.inject({
      method: "POST",
      url: "/api/v1/chats",
      headers: alice,
      payload: { tenantId: tenant.id, assistantId: documents.id },
    });
    expect(chat.json().error.code).toBe("assistant.not_enabled");
    // The change applies at once to existing chats too (the cache was invalidated).
    expect((await ask()).json().error.code).toBe("assistant.not_enabled");
    await t.app.inject({
      method: "PUT",
      url: `/api/v1/tenants/${tenant.id}/assistants/${documents.id}`,
      headers: owner,
      payload: { isEnabled: true },
    });
    // A refused send does not leave the chat busy.
    expect((await ask()).statusCode).toBe(200);
  });

  it("the documents assistant says it found nothing instead of inventing an answer", async () => {
    const chat = await newChat(documents.id);
    const calls = fake.calls.length;
    const res = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: alice,
        payload: { content: "What is our travel policy?" },
      })
    ).json();
    expect(res.assistantMessage.content).toBe("I could not find this in your documents.");
    expect(res.assistantMessage.sources).toEqual([]);
    expect(fake.calls.length).toBe(calls);
  });

  it("lists, searches, renames and deletes chats; pages messages", async () => {
    const chat = await newChat();
    for (const c of ["hello alpha", "hello beta", "hello gamma"]) {
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: alice,
        payload: { content: c },
      });
    }
    const found = (await t.app.inject({ url: `/api/v1/chats?tenantId=${tenant.id}&q=gamma`, headers: alice })).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([chat.id]);
    const page = (await t.app.inject({ url: `/api/v1/chats/${chat.id}/messages?limit=2`, headers: alice })).json();
    expect(page.hasMore).toBe(true);
    expect(page.items.map((m: { content: string }) => m.content)).toEqual(["hello gamma", "Hello there"]);
    const older = (
      await t.app.inject({
        url: `/api/v1/chats/${chat.id}/messages?limit=2&before=${page.items[0].id}`,
        headers: alice,
      })
    ).json();
    expect(older.items.map((m: { content: string }) => m.content)).toEqual(["hello beta", "Hello there"]);
    const renamed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/chats/${chat.id}`,
      headers: alice,
      payload: { title: "Greek letters" },
    });
    expect(renamed.json().title).toBe("Greek letters");
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/chats/${chat.id}`, headers: alice })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ url: `/api/v1/chats/${chat.id}`, headers: alice })).statusCode).toBe(404);
  });

  it("other users cannot see, use or rate someone else's chat", async () => {
    const chat = await newChat();
    const sent = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: alice,
        payload: { content: "hello private" },
      })
    ).json();
    const bob = await t.createUser(owner, "bob@other.example.com");
    const other = await t.createTenant(owner, "Other Dept");
    await t.addMember(owner, other.id, "bob@other.example.com", "admin");
    const tries: [string, string, unknown?][] = [
      ["GET", `/api/v1/chats/${chat.id}`],
      ["GET", `/api/v1/chats/${chat.id}/messages`],
      ["PATCH", `/api/v1/chats/${chat.id}`, { title: "mine" }],
      ["DELETE", `/api/v1/chats/${chat.id}`],
      ["POST", `/api/v1/chats/${chat.id}/messages`, { content: "hi" }],
      ["PUT", `/api/v1/messages/${sent.assistantMessage.id}/mark`, { value: 1 }],
      ["POST", `/api/v1/messages/${sent.assistantMessage.id}/reviews`, { text: "x" }],
      ["POST", `/api/v1/messages/${sent.assistantMessage.id}/regenerate`],
      ["POST", `/api/v1/messages/${sent.assistantMessage.id}/stop`],
      ["GET", `/api/v1/assistants?tenantId=${tenant.id}`],
      ["GET", `/api/v1/feedback?tenantId=${tenant.id}`],
      ["GET", `/api/v1/records?tenantId=${tenant.id}`],
      ["POST", "/api/v1/chats", { tenantId: tenant.id, assistantId: general.id }],
    ];
    for (const [method, url, payload] of tries) {
      const res = await t.app.inject({
        method: method as "GET",
        url,
        headers: bob,
        ...(payload ? { payload: payload as object } : {}),
      });
      expect([403, 404], `${method} ${url} → ${res.statusCode}`).toContain(res.statusCode);
    }
    const ws = await openSocket(host, bob.authorization.slice(7));
    ws.send({ type: "resume", messageId: sent.assistantMessage.id, offset: 0 });
    const err = (await ws.waitFor((e: Ev) => e.type === "error")) as Ev;
    expect((err.error as { code: string }).code).toBe("message.not_found");
    await ws.close();
    expect((await messagesOf(chat.id)).length).toBe(2);
  });
});
