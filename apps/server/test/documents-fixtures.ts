import type { TestApp } from "./harness";

/** A multipart/form-data body with text fields first, then one file. */
export function multipart(
  fields: Record<string, string>,
  file: { name: string; content: Buffer | string; type?: string },
) {
  const boundary = `----atrium${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? "application/octet-stream"}\r\n\r\n`,
    ),
  );
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads through the API and returns the response. */
export async function upload(
  t: TestApp,
  auth: { authorization: string },
  tenantId: string,
  name: string,
  content: string | Buffer,
  extra: Record<string, string> = {},
) {
  const body = multipart({ tenantId, ...extra }, { name, content });
  return t.app.inject({
    method: "POST",
    url: "/api/v1/documents",
    headers: { ...auth, ...body.headers },
    payload: body.payload,
  });
}

/** Polls a document until it leaves queued/processing (or the time runs out). */
export async function waitForDocument(t: TestApp, auth: { authorization: string }, id: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const doc = (await t.app.inject({ url: `/api/v1/documents/${id}`, headers: auth })).json();
    if (doc.status === "ready" || doc.status === "failed") return doc;
    if (Date.now() > deadline) throw new Error(`document still ${doc.status} (${doc.progress}%)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Markdown handbook with distinct sections, for retrieval tests. */
export const HANDBOOK = `# Employee handbook

## Travel policy

Employees book flights through the travel desk at least 14 days before departure.
Economy class is the default for flights shorter than six hours.
Hotel costs are reimbursed up to 150 euros per night in most cities.

## Security

Laptops must use full-disk encryption and lock after five minutes of inactivity.
Report a lost badge to the security office on the same day.

## Holidays

Every employee has 28 days of paid holiday per calendar year.
Unused days can be carried over until the end of March.
`;
