import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type APIRequestContext, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { buildPdf, column } from "../apps/server/src/modules/documents/parsing/test-documents";
import { DESKTOP, member, owner, SCREENSHOT_DIR, screenshot, texts } from "./support";

/**
 * Documents, as a department admin lives them: a PDF uploaded and followed while it is read and
 * indexed, the same file refused a second time, a search showing its passage, a question to the
 * documents assistant (the fake model of e2e/fake-llm-server.mjs quotes passage [1]) whose citation
 * opens the source panel and the PDF at the cited page; then what a member may not do, and the
 * jobs page. Screenshots land in e2e/screenshots/.
 *
 * Runs after 01-foundation, in its department "Legal" with its owner and member; run alone, it
 * creates them through the API. The PDF is built here, in memory. The steps share one page and
 * run in order.
 */

const { en } = texts;
const TENANT = "Legal";
const FAKE_LLM_STATUS = `http://127.0.0.1:${process.env.FAKE_LLM_PORT ?? 18322}/_fake/status`;

const PDF_NAME = "office-safety-handbook.pdf";
/** A new document is called by its file name until it is read, then by the title inside the PDF. */
const PDF_TITLE = "Office Safety Handbook";
const ANSWER_SENTENCE = "The emergency assembly point is the north car park.";
const QUESTION = "Where is the emergency assembly point?";

/** Two pages; the answer is only on page 2, under a heading of its own (so in a passage of its own). */
function handbookPdf(): Buffer {
  return buildPdf(
    [
      {
        texts: [
          { text: PDF_TITLE, x: 50, y: 780, size: 22 },
          ...column(
            [
              "This handbook explains how the Lisbon office works day to day.",
              "The front desk opens at eight in the morning and closes at six.",
              "Visitors sign the guest book and wear a badge at all times.",
              "Printers are on every floor, next to the kitchens.",
              "Desks are shared, so clear yours before you go home each evening.",
            ],
            50,
            740,
          ),
        ],
      },
      {
        texts: [
          { text: "Emergencies", x: 50, y: 780, size: 16 },
          ...column(
            [
              ANSWER_SENTENCE,
              "Fire wardens wear yellow vests and count everyone there.",
              "Never use the lifts during a fire alarm.",
            ],
            50,
            740,
          ),
        ],
      },
    ],
    { title: PDF_TITLE },
  );
}

/** What the page showed while the test looked elsewhere (see watchDocuments). */
interface Seen {
  uploadStatuses: string[];
  uploadProgressBars: number;
  documentStatuses: string[];
  documentProgressBars: number;
}

test.describe.configure({ mode: "serial" });

test.describe("documents: upload, progress, duplicate, search, cited answer, permissions, jobs", () => {
  let context: BrowserContext;
  let page: Page;
  let api: APIRequestContext;
  let token = "";
  let pdfDir = "";
  let pdfPath = "";
  let documentId = "";
  const pageErrors: string[] = [];

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const documentRow = () => page.getByTestId("document-row").filter({ has: page.locator(`[title="${PDF_NAME}"]`) });

  /**
   * Records in the page every upload row and document row status that shows up, and whether their
   * progress bars did, however briefly: uploading a small file on this machine takes milliseconds,
   * and processing may take less than a poll interval, so looking at the right moment is luck.
   */
  async function watchDocuments() {
    await page.evaluate(() => {
      const seen: Seen = { uploadStatuses: [], uploadProgressBars: 0, documentStatuses: [], documentProgressBars: 0 };
      (window as unknown as { __seen: Seen }).__seen = seen;
      const note = (list: string[], value: string | null) => {
        if (value && list.at(-1) !== value) list.push(value);
      };
      const look = () => {
        for (const row of document.querySelectorAll('[data-testid="upload-row"]')) {
          note(seen.uploadStatuses, row.getAttribute("data-status"));
          if (row.querySelector('[role="progressbar"]')) seen.uploadProgressBars++;
        }
        for (const row of document.querySelectorAll('[data-testid="document-row"]')) {
          note(seen.documentStatuses, row.getAttribute("data-status"));
        }
        seen.documentProgressBars += document.querySelectorAll('[data-testid="document-progress"]').length;
      };
      new MutationObserver(look).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["data-status", "data-value"],
      });
      look();
    });
  }

  const seen = () => page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);

  async function signIn(target: Page, who: { email: string; password: string }) {
    await target.goto("/login");
    await target.getByTestId("login-email").fill(who.email);
    await target.getByTestId("login-password").fill(who.password);
    await target.getByTestId("login-submit").click();
    await expect(target).toHaveURL(/\/$/);
  }

  test.beforeAll(async ({ browser, playwright }, testInfo) => {
    const { baseURL, locale, timezoneId, colorScheme } = testInfo.project.use;
    api = await playwright.request.newContext({ baseURL });

    // Self-sufficient: the owner, "Legal" and its member exist after 01-foundation; alone, this
    // file creates them.
    const setup = await api.get("/api/v1/setup/status");
    if (((await setup.json()) as { needsSetup: boolean }).needsSetup) {
      const created = await api.post("/api/v1/setup", { data: owner });
      expect(created.ok()).toBe(true);
    }
    const signedIn = await api.post("/api/v1/auth/token", {
      form: { grant_type: "password", username: owner.email, password: owner.password },
    });
    expect(signedIn.status()).toBe(200);
    token = ((await signedIn.json()) as { access_token: string }).access_token;

    // The foundation test leaves the owner's saved language Russian; these steps read English.
    const language = await api.patch("/api/v1/users/me", { headers: auth(), data: { locale: "en" } });
    expect(language.status()).toBe(200);

    const tenants = (await (await api.get("/api/v1/tenants", { headers: auth() })).json()) as {
      id: string;
      name: string;
    }[];
    if (!tenants.some((tenant) => tenant.name === TENANT)) {
      const created = await api.post("/api/v1/tenants", { headers: auth(), data: { name: TENANT } });
      expect(created.status()).toBe(201);
      const tenantId = ((await created.json()) as { id: string }).id;
      const added = await api.post(`/api/v1/tenants/${tenantId}/members`, {
        headers: auth(),
        data: { ...member, role: "member" },
      });
      expect(added.status()).toBe(201);
    }

    pdfDir = mkdtempSync(join(tmpdir(), "atrium-e2e-documents-"));
    pdfPath = join(pdfDir, PDF_NAME);
    writeFileSync(pdfPath, handbookPdf());

    context = await browser.newContext({ baseURL, locale, timezoneId, colorScheme, viewport: DESKTOP });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  });

  test.afterEach(async () => {
    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  });

  test.afterAll(async () => {
    await context?.close();
    await api?.dispose();
    if (pdfDir) rmSync(pdfDir, { recursive: true, force: true });
  });

  test("the owner uploads a PDF and follows it until it is ready", async () => {
    // The first upload loads the local embedding model: allow for it on a slow machine.
    test.setTimeout(150_000);
    await signIn(page, owner);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByTestId("tenant-switcher").selectOption({ label: TENANT });
    await expect(page.getByTestId("tenant-switcher").locator("option:checked")).toHaveText(TENANT);

    await page.getByTestId("nav-documents").click();
    await expect(page).toHaveURL(/\/documents$/);
    await expect(page.getByRole("heading", { name: en.documents.title, level: 1 })).toBeVisible();
    await expect(page.getByText(en.documents.empty.title)).toBeVisible();
    await expect(page.getByText(en.documents.empty.description)).toBeVisible();
    await expect(page.getByTestId("documents-dropzone")).toBeVisible();

    await watchDocuments();
    const uploaded = page.waitForResponse(
      (response) => response.url().endsWith("/api/v1/documents") && response.request().method() === "POST",
    );
    await page.getByTestId("documents-file-input").setInputFiles(pdfPath);
    const response = await uploaded;
    expect(response.status()).toBe(202);
    const body = (await response.json()) as { id: string; status: string };
    documentId = body.id;
    expect(body.status).toBe("queued");

    // The upload row (with its bar) gave way to the document's row, which shows its progress.
    const row = documentRow();
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute("data-document-id", documentId);
    await expect(page.getByTestId("upload-row")).toHaveCount(0);
    const during = await seen();
    expect(during.uploadStatuses).toContain("uploading");
    expect(during.uploadProgressBars).toBeGreaterThan(0);

    // Still at work (the usual case: the embedding model is loading)? Then the bar, in a screenshot
    // taken at once, without support.ts's settling, which could outlast the processing.
    const processingShot = join(SCREENSHOT_DIR, "31-documents-processing.png");
    rmSync(processingShot, { force: true });
    const status = await row.getAttribute("data-status");
    if (status === "queued" || status === "processing") {
      await page.screenshot({ path: processingShot, animations: "disabled" });
    } else {
      test.info().annotations.push({ type: "note", description: `no processing screenshot: already ${status}` });
    }

    await expect(row).toHaveAttribute("data-status", "ready", { timeout: 90_000 });
    await expect(row.getByTestId("document-progress")).toHaveCount(0);
    await expect(row.getByTestId("document-title")).toHaveText(PDF_TITLE);
    await expect(row).toContainText("PDF");
    await expect(row).toContainText(en.documents.meta.pages.replace("{{number}}", "2"));
    await expect(row).toContainText(en.documents.status.ready);
    await expect(page.getByTestId("documents-total")).toHaveText(en.documents.list.count.replace("{{number}}", "1"));

    // On its way it was queued or processing, with its progress bar, before it was ready.
    const after = await seen();
    expect(after.documentStatuses[0]).toMatch(/^(queued|processing)$/);
    expect(after.documentStatuses.at(-1)).toBe("ready");
    expect(after.documentProgressBars).toBeGreaterThan(0);
  });

  test("the same file again is refused as a duplicate", async () => {
    const uploaded = page.waitForResponse(
      (response) => response.url().endsWith("/api/v1/documents") && response.request().method() === "POST",
    );
    await page.getByTestId("documents-file-input").setInputFiles(pdfPath);
    expect((await uploaded).status()).toBe(409);

    const failed = page.getByTestId("upload-row").filter({ hasText: PDF_NAME });
    await expect(failed).toHaveAttribute("data-status", "failed");
    await expect(failed).toContainText(en.documents.upload.failed);
    await expect(failed.getByTestId("upload-error")).toContainText(en.errors.document.duplicate);
    // Sending the same bytes again can't work: no retry, only dismissing.
    await expect(failed.getByTestId("upload-retry")).toHaveCount(0);
    await expect(page.getByTestId("document-row")).toHaveCount(1);

    await failed.getByRole("button", { name: `${en.documents.upload.dismiss} ${PDF_NAME}` }).click();
    await expect(page.getByTestId("upload-row")).toHaveCount(0);
  });

  test("a search finds the passage on page 2", async () => {
    await page.getByTestId("document-search").fill("emergency assembly point");
    await page.getByTestId("document-search-submit").click();
    const results = page.getByTestId("document-search-result");
    await expect(results.first()).toBeVisible();
    const hit = results.filter({ hasText: "north car park" });
    await expect(hit).toHaveCount(1);
    await expect(hit).toContainText(PDF_TITLE);
    await expect(hit).toContainText(en.documents.search.page.replace("{{page}}", "2"));
    // The best passage comes first.
    await expect(results.first()).toContainText("north car park");
    await expect(page.getByTestId("document-search-summary")).toBeVisible();
    await screenshot(page, "32-documents-ready");
    // The department's admin re-indexes its documents from here (in the background).
    await page.getByTestId("documents-reindex").click();
    await expect(
      page.getByText(en.jobs.reindex.queuedTenant.replace("{{tenant}}", TENANT).replace("{{count}}", "1")),
    ).toBeVisible();
  });

  test("the documents assistant answers with a citation that opens the PDF at its page", async () => {
    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat$/);
    await page.getByTestId("chat-new").click();
    await page.getByTestId("chat-assistant-documents").click();
    await expect(page).toHaveURL(/\/chat\?assistant=[0-9a-f-]{36}$/);

    const input = page.getByTestId("chat-input");
    await expect(input).toBeEnabled();
    await input.fill(QUESTION);
    await input.press("Enter");
    await expect(page.getByTestId("message-user").last()).toHaveText(QUESTION);
    await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

    const answer = page.getByTestId("message-assistant").last();
    await expect(answer).toHaveAttribute("data-status", "done");
    await expect(answer.locator(".markdown")).toContainText(ANSWER_SENTENCE);

    // The model was given the numbered passages and the question (the answer prompt).
    const fake = (await (await api.get(FAKE_LLM_STATUS)).json()) as { lastUserMessage: string };
    expect(fake.lastUserMessage).toMatch(/^Passages:\n\[1\] /);
    expect(fake.lastUserMessage).toContain("north car park");
    expect(fake.lastUserMessage.endsWith(`\n\nQuestion: ${QUESTION}`)).toBe(true);

    // "[1]" became a citation button, and the sources are listed under the answer.
    const citation = answer.locator("button.citation");
    await expect(citation).toHaveCount(1);
    await expect(citation).toHaveText("1");
    const chip = answer.getByTestId("message-source").first();
    await expect(chip).toContainText(PDF_TITLE);
    await expect(chip).toContainText(en.chat.sources.pageShort.replace("{{page}}", "2"));
    await screenshot(page, "33-chat-documents-answer");

    await citation.click();
    const panel = page.getByTestId("source-panel");
    await expect(panel).toBeVisible();
    await expect(page.getByRole("dialog", { name: en.chat.sources.title.replace("{{number}}", "1") })).toBeVisible();
    await expect(panel.getByTestId("source-document-title")).toHaveText(PDF_TITLE);
    await expect(panel.getByTestId("source-page")).toHaveText("2");
    await expect(panel).toContainText(ANSWER_SENTENCE);
    const open = panel.getByTestId("source-open-document");
    await expect(open).toHaveText(en.chat.sources.openPage.replace("{{page}}", "2"));
    await screenshot(page, "34-chat-source-panel", { fullPage: false });

    // The file opens in a new tab, at the cited page (the tab gets the blob's address once loaded).
    const [tab] = await Promise.all([context.waitForEvent("page"), open.click()]);
    await expect.poll(() => tab.url()).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}#page=2$/);
    await tab.close();
    await expect(open).toBeEnabled();

    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
  });

  test("a member sees the documents but can't upload, and can't open the jobs page", async ({ browser }, testInfo) => {
    const { baseURL, locale, timezoneId, colorScheme } = testInfo.project.use;
    const memberContext = await browser.newContext({ baseURL, locale, timezoneId, colorScheme, viewport: DESKTOP });
    try {
      const memberPage = await memberContext.newPage();
      memberPage.on("pageerror", (error) => pageErrors.push(`${memberPage.url()}: ${error.message}`));
      await signIn(memberPage, member);
      await expect(memberPage.getByTestId("active-tenant-name")).toHaveText(TENANT);

      await memberPage.getByTestId("nav-documents").click();
      await expect(memberPage).toHaveURL(/\/documents$/);
      await expect(memberPage.getByRole("heading", { name: en.documents.title, level: 1 })).toBeVisible();
      const row = memberPage.getByTestId("document-row").filter({ has: memberPage.locator(`[title="${PDF_NAME}"]`) });
      await expect(row).toHaveAttribute("data-status", "ready");
      await expect(memberPage.getByTestId("documents-dropzone")).toHaveCount(0);
      await expect(memberPage.getByTestId("documents-file-input")).toHaveCount(0);
      await expect(memberPage.getByTestId("documents-reindex")).toHaveCount(0);
      // Reading only: opening the file, no editing, new versions or deleting.
      await expect(row.getByTestId("document-open")).toBeVisible();
      await expect(row.getByTestId("document-edit-open")).toHaveCount(0);
      await expect(row.getByTestId("document-version-open")).toHaveCount(0);
      await expect(row.getByTestId("document-delete-open")).toHaveCount(0);
      await expect(memberPage.getByTestId("nav-jobs")).toHaveCount(0);
      await screenshot(memberPage, "35-member-documents");

      await memberPage.goto("/admin/jobs");
      await expect(memberPage.getByText(en.errors.notAllowed.title)).toBeVisible();
      await expect(memberPage.getByTestId("jobs-queue-row")).toHaveCount(0);
    } finally {
      await memberContext.close();
    }
  });

  test("the jobs page shows the ingest queue and the department's documents", async () => {
    await page.getByTestId("nav-jobs").click();
    await expect(page).toHaveURL(/\/admin\/jobs$/);
    await expect(page.getByRole("heading", { name: en.jobs.title, level: 1 })).toBeVisible();
    const queue = page.getByTestId("jobs-queue-row").filter({ hasText: "documents.ingest" });
    await expect(queue).toHaveCount(1);
    await expect(queue).toHaveAttribute("data-queue", "documents.ingest");
    // Nothing waiting or running any more, nothing failed.
    await expect(queue.locator("td")).toHaveText(["documents.ingest", "0", "0", "0", /^\d+$/]);
    const tenantRow = page.getByTestId("jobs-tenant-row").filter({ hasText: TENANT });
    // Queued, processing, ready, failed; the department's re-index button.
    await expect(tenantRow.locator("td")).toHaveText([TENANT, "0", "0", "1", "0", en.jobs.reindex.tenant]);
    await expect(page.getByTestId("jobs-reindex-all")).toBeVisible();
    await expect(page.getByText(en.jobs.failures.empty.title)).toBeVisible();
    await screenshot(page, "36-jobs");
  });
});
