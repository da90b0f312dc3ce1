import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/infra/db/database";
import { type Backend, createFreshPostgresDatabase } from "./backends";
import { listen, openSocket, scriptedFake } from "./chat-fixtures";
import { startTestApp, type TestApp } from "./harness";

const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn("[tests] two-process tests skipped: set TEST_DATABASE_URL to run them.");

/**
 * Two API processes on one PostgreSQL database (two apps with their own pools, hubs and event
 * buses, as two replicas behind a load balancer): what one starts, the other can follow and stop.
 */
describe.runIf(url)("two API processes on one database", () => {
  let fresh: Awaited<ReturnType<typeof createFreshPostgresDatabase>>;
  let a: TestApp;
  let b: TestApp;
  let hostA: string;
  let hostB: string;
  let alice: { authorization: string; token: string };
  let tenantId: string;
  let assistantId: string;

  const sharedBackend = (): Backend => ({
    name: "postgres",
    async open() {
      const database = await openDatabase({ databaseUrl: fresh.url, dataDir: "", poolSize: 5 });
      return { database, drop: () => database.close() };
    },
  });

  beforeAll(async () => {
    fresh = await createFreshPostgresDatabase();
    const start = () =>
      startTestApp(
        sharedBackend(),
        { CHAT_RESUME_GRACE_SECONDS: 5 },
        { envProvider: { provider: scriptedFake(), model: "fake-1" } },
      );
    a = await start();
    b = await start();
    [hostA, hostB] = [await listen(a), await listen(b)];
    const owner = await a.setupOwner();
    const user = await a.createUser(owner, "alice@replicas.example.com");
    alice = { ...user, token: user.authorization.slice("Bearer ".length) };
    tenantId = (await a.createTenant(owner, "Replicas")).id;
    await a.addMember(owner, tenantId, "alice@replicas.example.com", "member");
    const list = (await a.app.inject({ url: `/api/v1/assistants?tenantId=${tenantId}`, headers: alice })).json();
    assistantId = (list as { id: string; kind: string }[]).find((x) => x.kind === "general")?.id as string;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fresh?.drop();
  });

  const startSlowAnswer = async () => {
    const chat = (
      await a.app.inject({ method: "POST", url: "/api/v1/chats", headers: alice, payload: { tenantId, assistantId } })
    ).json() as { id: string };
    const ws = await openSocket(hostA, alice.token);
    ws.send({ type: "send", chatId: chat.id, content: "slow please" });
    const created = await ws.waitFor((e) => e.type === "message.created");
    await ws.waitFor((e) => e.type === "token");
    return { ws, messageId: (created.assistantMessage as { id: string }).id };
  };

  it("a stop sent to the other process stops the answer where it is written", async () => {
    const { ws, messageId } = await startSlowAnswer();
    const res = await b.app.inject({ method: "POST", url: `/api/v1/messages/${messageId}/stop`, headers: alice });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ stopped: true });
    const done = await ws.waitFor((e) => e.type === "message.done", 5000);
    expect(done.message).toMatchObject({ id: messageId, status: "stopped" });
    await ws.close();
  });

  it("a reconnect that lands on the other process follows the answer and can stop it", async () => {
    const { ws, messageId } = await startSlowAnswer();
    await ws.close(); // the answer goes on for CHAT_RESUME_GRACE_SECONDS
    const other = await openSocket(hostB, alice.token);
    other.send({ type: "resume", messageId, offset: 0 });
    const first = await other.waitFor((e) => e.type === "token", 5000);
    expect(first).toMatchObject({ messageId, offset: 0 });
    expect(String(first.text).startsWith("one ")).toBe(true);
    other.send({ type: "stop", messageId });
    const done = await other.waitFor((e) => e.type === "message.done", 5000);
    expect(done.message).toMatchObject({ id: messageId, status: "stopped" });
    await other.close();
  });
});
