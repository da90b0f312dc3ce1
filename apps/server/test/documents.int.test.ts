import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeEmbedder } from "../src/infra/embeddings";
import { backends } from "./backends";
import { HANDBOOK, upload, waitForDocument } from "./documents-fixtures";
import { startTestApp, type TestApp } from "./harness";

type Auth = { authorization: string };

describe.each(backends)("documents on $name", (backend) => {
  let t: TestApp;
  let owner: Auth;
  let member: Auth & { id: string };
  let tenant: { id: string };
  let other: { id: string };

  beforeAll(async () => {
    t = await startTestApp(backend, { UPLOAD_MAX_BYTES: 200_000 }, { embedder: fakeEmbedder(512) }, { jobs: true });
    owner = await t.setupOwner();
    member = await t.createUser(owner, "reader@docs.example.com");
    tenant = await t.createTenant(owner, "Docs Dept");
    other = await t.createTenant(owner, "Other Dept");
    await t.addMember(owner, tenant.id, "reader@docs.example.com", "member");
  });
  afterAll(() => t?.close());

  it("ingests an upload in the background and finds its passages", async () => {
    const res = await upload(t, owner, tenant.id, "handbook.md", HANDBOOK);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: "queued", type: "markdown", title: "handbook", version: 1 });
    const doc = await waitForDocument(t, owner, res.json().id);
    expect(doc).toMatchObject({ status: "ready", progress: 100, language: "en" });
    expect(doc.chunkCount).toBeGreaterThan(1);

    const search = await t.app.inject({
      url: `/api/v1/search?tenantId=${tenant.id}&q=${encodeURIComponent("hotel reimbursed per night")}&k=3`,
      headers: member,
    });
    expect(search.statusCode).toBe(200);
    expect(search.json().items[0].text).toContain("150 euros");
    expect(search.json().items[0]).toMatchObject({ documentId: doc.id, documentTitle: "Employee handbook" });
    const kw = await t.app.inject({
      url: `/api/v1/search?tenantId=${tenant.id}&q=badge&mode=keyword`,
      headers: member,
    });
    expect(kw.json().items[0].text).toContain("lost badge");
  });

  it("the documents assistant answers from the passages with citations, and says so when nothing matches", async () => {
    const assistants = (
      await t.app.inject({ url: `/api/v1/assistants?tenantId=${tenant.id}`, headers: member })
    ).json();
    const documents = assistants.find((a: { kind: string }) => a.kind === "documents");
    const chat = (
      await t.app.inject({
        method: "POST",
        url: "/api/v1/chats",
        headers: member,
        payload: { tenantId: tenant.id, assistantId: documents.id },
      })
    ).json();
    const answer = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: member,
        payload: { content: "How many days of paid holiday do employees have?" },
      })
    ).json().assistantMessage;
    expect(answer.status).toBe("done");
    expect(answer.content, JSON.stringify(answer.sources)).toContain("28 days");
    expect(answer.content).toMatch(/\[1\]/);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.sources[0]).toMatchObject({ title: "Employee handbook" });
    expect(answer.sources[0].documentId).toBeTruthy();

    const none = (
      await t.app.inject({
        method: "POST",
        url: `/api/v1/chats/${chat.id}/messages`,
        headers: member,
        payload: { content: "quantum chromodynamics lattice gluon" },
      })
    ).json().assistantMessage;
    expect(none.content).toMatch(/could not find/i);
  });

  it("filters search by document, tag and date", async () => {
    const a = (
      await upload(t, owner, tenant.id, "alpha.md", "# Alpha\n\nThe walrus guide covers feeding.", {
        tags: "zoo,guide",
      })
    ).json();
    const b = (await upload(t, owner, tenant.id, "beta.md", "# Beta\n\nA walrus census for the harbour.")).json();
    await waitForDocument(t, owner, a.id);
    await waitForDocument(t, owner, b.id);
    const q = async (extra: string) =>
      (
        await t.app.inject({
          url: `/api/v1/search?tenantId=${tenant.id}&q=walrus&mode=keyword${extra}`,
          headers: owner,
        })
      ).json().items as {
        documentId: string;
      }[];
    expect(new Set((await q("")).map((p) => p.documentId))).toEqual(new Set([a.id, b.id]));
    expect((await q(`&documentId=${b.id}`)).map((p) => p.documentId)).toEqual([b.id]);
    expect((await q("&tag=zoo")).map((p) => p.documentId)).toEqual([a.id]);
    expect(await q(`&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect((await q(`&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length).toBe(2);
  });

  it("detects a duplicate upload in the same tenant", async () => {
    const res = await upload(t, owner, tenant.id, "copy.md", HANDBOOK);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("document.duplicate");
  });

  it("sniffs the type from the content and refuses binaries and oversize files", async () => {
    const binary = await upload(
      t,
      owner,
      tenant.id,
      "notes.txt",
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0, 0]),
    );
    expect(binary.statusCode).toBe(415);
    expect(binary.json().error.code).toBe("document.unsupported_type");
    const big = await upload(t, owner, tenant.id, "big.txt", "word ".repeat(60_000));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("document.too_large");
    const list = (await t.app.inject({ url: `/api/v1/documents?tenantId=${tenant.id}`, headers: owner })).json();
    expect(list.items.map((d: { title: string }) => d.title)).not.toContain("big");
  });

  it("needs a tenantId field before the file, and a multipart body", async () => {
    const res = await upload(t, owner, "not-a-uuid", "a.md", "# hi");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("document.upload_invalid");
    const json = await t.app.inject({
      method: "POST",
      url: "/api/v1/documents",
      headers: owner,
      payload: { tenantId: tenant.id },
    });
    expect(json.statusCode).toBe(415);
  });

  it("members upload only when the tenant allows; other tenants cannot see, search or delete", async () => {
    const denied = await upload(t, member, tenant.id, "mine.md", "# Mine\n\nA member's notes.");
    expect(denied.statusCode).toBe(403);
    const outsider = await t.createUser(owner, "outsider@docs.example.com");
    await t.addMember(owner, other.id, "outsider@docs.example.com", "admin");
    const docs = (await t.app.inject({ url: `/api/v1/documents?tenantId=${tenant.id}`, headers: owner })).json();
    const id = docs.items[0].id;
    for (const [method, url] of [
      ["GET", `/api/v1/documents/${id}`],
      ["GET", `/api/v1/documents/${id}/file`],
      ["PATCH", `/api/v1/documents/${id}`],
      ["DELETE", `/api/v1/documents/${id}`],
      ["POST", `/api/v1/documents/${id}/retry`],
      ["GET", `/api/v1/documents?tenantId=${tenant.id}`],
      ["GET", `/api/v1/search?tenantId=${tenant.id}&q=holiday`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: outsider,
        ...(method === "PATCH" ? { payload: { title: "x" } } : {}),
      });
      expect([403, 404], `${method} ${url} → ${res.statusCode}`).toContain(res.statusCode);
    }
    const upIntoOther = await upload(t, outsider, tenant.id, "x.md", "# X\n\ntext");
    expect([403, 404]).toContain(upIntoOther.statusCode);
    // Search in the outsider's own tenant never returns tenant A's passages.
    const own = (
      await t.app.inject({ url: `/api/v1/search?tenantId=${other.id}&q=holiday`, headers: outsider })
    ).json();
    expect(own.items).toEqual([]);
  });

  it("a new version replaces the old one atomically, keeping chunk ids of unchanged text", async () => {
    const first = (
      await upload(
        t,
        owner,
        tenant.id,
        "policy.md",
        "# Policy\n\n## Parking\n\nParking is free on level minus two.\n\n## Canteen\n\nThe canteen opens at noon.",
      )
    ).json();
    await waitForDocument(t, owner, first.id);
    const before = (
      await t.app.inject({
        url: `/api/v1/search?tenantId=${tenant.id}&q=canteen&mode=keyword&documentId=${first.id}`,
        headers: owner,
      })
    ).json().items;
    const body = (await import("./documents-fixtures")).multipart(
      {},
      {
        name: "policy.md",
        content:
          "# Policy\n\n## Parking\n\nParking is free on level minus two.\n\n## Canteen\n\nThe canteen opens at eleven thirty.",
      },
    );
    const v2 = await t.app.inject({
      method: "POST",
      url: `/api/v1/documents/${first.id}/versions`,
      headers: { ...owner, ...body.headers },
      payload: body.payload,
    });
    expect(v2.statusCode).toBe(202);
    expect(v2.json()).toMatchObject({ version: 2, hasActiveVersion: true });
    const doc = await waitForDocument(t, owner, first.id);
    expect(doc.version).toBe(2);
    const after = (
      await t.app.inject({
        url: `/api/v1/search?tenantId=${tenant.id}&q=canteen&mode=keyword&documentId=${first.id}`,
        headers: owner,
      })
    ).json().items;
    expect(after.map((p: { text: string }) => p.text).join(" ")).toContain("eleven thirty");
    expect(after.map((p: { text: string }) => p.text).join(" ")).not.toContain("opens at noon");
    const parkingBefore = (
      await t.app.inject({
        url: `/api/v1/search?tenantId=${tenant.id}&q=parking&mode=keyword&documentId=${first.id}`,
        headers: owner,
      })
    ).json().items[0];
    expect(parkingBefore.chunkId).toHaveLength(64);
    expect(before.length).toBeGreaterThan(0);
  });

  it("deletes a document with its chunks and files", async () => {
    const res = (
      await upload(t, owner, tenant.id, "temp.md", "# Temporary\n\nThis will be deleted soon, zebra.")
    ).json();
    await waitForDocument(t, owner, res.id);
    expect(
      (await t.app.inject({ url: `/api/v1/search?tenantId=${tenant.id}&q=zebra&mode=keyword`, headers: owner })).json()
        .items.length,
    ).toBe(1);
    expect(
      (await t.app.inject({ method: "DELETE", url: `/api/v1/documents/${res.id}`, headers: owner })).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/v1/search?tenantId=${tenant.id}&q=zebra&mode=keyword`, headers: owner })).json()
        .items,
    ).toEqual([]);
    expect((await t.app.inject({ url: `/api/v1/documents/${res.id}`, headers: owner })).statusCode).toBe(404);
    expect(await t.container.storage.stat(`tenants/${tenant.id}/documents/${res.id}/x`)).toBeUndefined();
  });

  it("a file that cannot be parsed fails with a clear reason; the jobs overview shows it", async () => {
    const res = (await upload(t, owner, tenant.id, "broken.pdf", "%PDF-1.7\nthis is not really a PDF\n%%EOF")).json();
    const doc = await waitForDocument(t, owner, res.id);
    expect(doc.status).toBe("failed");
    expect(doc.errorCode).toMatch(/^document\./);
    expect(doc.errorMessage.length).toBeGreaterThan(10);
    const jobs = (await t.app.inject({ url: "/api/v1/admin/jobs", headers: owner })).json();
    expect(jobs.queues[0]).toMatchObject({ name: "documents.ingest" });
    expect(jobs.recentFailures.map((d: { id: string }) => d.id)).toContain(res.id);
    expect(jobs.byTenant.find((b: { tenantId: string }) => b.tenantId === tenant.id).failed).toBeGreaterThan(0);
    expect((await t.app.inject({ url: "/api/v1/admin/jobs", headers: member })).statusCode).toBe(403);
  });
});
