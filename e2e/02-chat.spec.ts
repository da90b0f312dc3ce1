import { type APIRequestContext, type BrowserContext, expect, type Locator, type Page, test } from "@playwright/test";
import { DEFAULT_ANSWER_TOKENS, FAKE_MODEL } from "./fake-llm-server.mjs";
import { DESKTOP, owner, PHONE, screenshot, texts } from "./support";

/**
 * Chatting, as the owner lives it, against the fake model of e2e/fake-llm-server.mjs: an answer
 * streamed and rendered as markdown, how it was made, stopping a long answer, rating and reviewing
 * an answer (checked through the API), a model that fails, searching chats, and a reload in the
 * middle of an answer that carries on. Screenshots of the chat page land in e2e/screenshots/.
 *
 * Runs after 01-foundation and signs in with the owner it created; run alone, it does the first-run
 * setup through the API instead. The steps share one page and run in order.
 */

const { en } = texts;
const TENANT = "Chat Dept";
const FAKE_LLM_STATUS = `http://127.0.0.1:${process.env.FAKE_LLM_PORT ?? 18322}/_fake/status`;

const FIRST_QUESTION = "How do I read a CSV file in Python?";
const SLOW_QUESTION = "Tell me a slow story, word by word";
const FAILING_QUESTION = "Please fail this time";
const SECOND_CHAT_QUESTION = "Quick hello from the second chat";
const RESUMED_QUESTION = "Another slow one, please";

interface FakeLlmStatus {
  requests: number;
  streaming: number;
  completed: number;
  disconnected: number;
  failed: number;
  lastUserMessage: string;
  lastModel: string;
  lastAuthorization: string;
}

interface ApiMessage {
  id: string;
  role: string;
  content: string;
  status: string;
  model: string | null;
  myMark: number | null;
}

/** Whitespace folded the way toHaveText compares text. */
const fold = (text: string) => text.replace(/\s+/g, " ").trim();

test.describe.configure({ mode: "serial" });

test.describe("chat: streaming, stop, rating, review, errors, search, resume", () => {
  let context: BrowserContext;
  let page: Page;
  let api: APIRequestContext;
  let token = "";
  let tenantId = "";
  let firstChatId = "";
  let secondChatId = "";
  const pageErrors: string[] = [];

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const answers = () => page.getByTestId("message-assistant");
  const latestAnswer = () => answers().last();
  const markdownOf = (answer: Locator) => answer.locator(".markdown");

  async function fakeStatus(): Promise<FakeLlmStatus> {
    const response = await api.get(FAKE_LLM_STATUS);
    expect(response.status()).toBe(200);
    return (await response.json()) as FakeLlmStatus;
  }

  async function messagesOf(chatId: string): Promise<ApiMessage[]> {
    const response = await api.get(`/api/v1/chats/${chatId}/messages`, { headers: auth() });
    expect(response.status()).toBe(200);
    return ((await response.json()) as { items: ApiMessage[] }).items;
  }

  /** Types a message into the open chat and sends it with Enter. */
  async function send(text: string) {
    const input = page.getByTestId("chat-input");
    await expect(input).toBeEnabled();
    await input.fill(text);
    await input.press("Enter");
    await expect(page.getByTestId("message-user").last()).toHaveText(text);
  }

  test.beforeAll(async ({ browser, playwright }, testInfo) => {
    const { baseURL, locale, timezoneId, colorScheme } = testInfo.project.use;
    api = await playwright.request.newContext({ baseURL });

    // Self-sufficient: the owner exists after 01-foundation; alone, this file creates them.
    const setup = await api.get("/api/v1/setup/status");
    if (((await setup.json()) as { needsSetup: boolean }).needsSetup) {
      const created = await api.post("/api/v1/setup", { data: owner });
      expect(created.ok()).toBe(true);
    }
    const signIn = await api.post("/api/v1/auth/token", {
      form: { grant_type: "password", username: owner.email, password: owner.password },
    });
    expect(signIn.status()).toBe(200);
    token = ((await signIn.json()) as { access_token: string }).access_token;

    // The foundation test leaves the owner's saved language Russian; these steps read English.
    const language = await api.patch("/api/v1/users/me", { headers: auth(), data: { locale: "en" } });
    expect(language.status()).toBe(200);

    // A department of this file's own, so its chat list starts empty; the owner is its admin.
    const tenants = (await (await api.get("/api/v1/tenants", { headers: auth() })).json()) as {
      id: string;
      name: string;
    }[];
    const existing = tenants.find((tenant) => tenant.name === TENANT);
    if (existing) {
      tenantId = existing.id;
    } else {
      const created = await api.post("/api/v1/tenants", { headers: auth(), data: { name: TENANT } });
      expect(created.status()).toBe(201);
      tenantId = ((await created.json()) as { id: string }).id;
    }

    context = await browser.newContext({ baseURL, locale, timezoneId, colorScheme, viewport: DESKTOP });
    // The code block's copy button writes to the clipboard; the test reads it back.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  });

  test.afterEach(async () => {
    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  });

  test.afterAll(async () => {
    await context?.close();
    await api?.dispose();
  });

  test("the owner signs in and opens Chat in the department", async () => {
    await page.goto("/login");
    await page.getByTestId("login-email").fill(owner.email);
    await page.getByTestId("login-password").fill(owner.password);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    await page.getByTestId("tenant-switcher").selectOption({ label: TENANT });
    await expect(page.getByTestId("tenant-switcher").locator("option:checked")).toHaveText(TENANT);

    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat$/);
    await expect(page.getByRole("heading", { name: en.chat.start.title })).toBeVisible();
    await expect(page.getByTestId("chat-list-empty")).toContainText(en.chat.list.empty.title);
    await expect(page.getByTestId("chat-start-general")).toBeVisible();
    await screenshot(page, "21-chat-start");
  });

  test("a new chat with the general assistant streams a markdown answer", async () => {
    await page.getByTestId("chat-new").click();
    await page.getByTestId("chat-assistant-general").click();
    await expect(page).toHaveURL(/\/chat\?assistant=[0-9a-f-]{36}$/);
    await expect(page.getByTestId("chat-title")).toHaveText(en.chat.newChat);
    // Nothing is created before the first message.
    await expect(page.getByTestId("chat-list-empty")).toBeVisible();
    await expect(page.getByTestId("chat-input")).toBeFocused();

    const before = await fakeStatus();
    await send(FIRST_QUESTION);
    await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
    firstChatId = new URL(page.url()).pathname.split("/").pop() ?? "";

    const answer = latestAnswer();
    await expect(answer).toHaveAttribute("data-status", "done");
    const markdown = markdownOf(answer);
    await expect(markdown.getByRole("heading", { level: 2, name: "Reading a CSV file" })).toBeVisible();
    await expect(markdown.locator("strong")).toHaveText("fake model");
    await expect(markdown.getByRole("listitem")).toHaveText([
      "Open the file with open()",
      "Read each row with the csv module",
      "Close the file when you are done",
    ]);
    await expect(markdown).toContainText("That is all there is to it.");

    // The code block: its language, coloured by highlight.js.
    const codeBlock = markdown.locator(".code-block");
    await expect(codeBlock).toHaveCount(1);
    await expect(codeBlock.locator(".code-block-bar")).toContainText("python");
    await expect(codeBlock.locator("code.hljs .hljs-keyword").first()).toHaveText("import");

    // The chat got its title from the question and is in the list.
    await expect(page.getByTestId("chat-title")).toHaveText(FIRST_QUESTION);
    await expect(page.getByTestId("chat-list-item")).toHaveCount(1);
    await expect(page.getByTestId("chat-list-item")).toContainText(FIRST_QUESTION);

    // Exactly one request reached the model (LLM_MODEL, LLM_API_KEY), the question last.
    const after = await fakeStatus();
    expect(after.requests - before.requests).toBe(1);
    expect(after).toMatchObject({
      lastUserMessage: FIRST_QUESTION,
      lastModel: FAKE_MODEL,
      lastAuthorization: "Bearer test",
    });
    await screenshot(page, "22-chat-answer");

    // The code block's copy button copies the code, and says so for a moment.
    await codeBlock.getByRole("button", { name: en.chat.message.copyCode }).click();
    await expect(codeBlock.getByRole("button", { name: en.common.copied })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(
      'import csv\n\nwith open("data.csv", newline="") as f:\n    for row in csv.reader(f):\n        print(row)',
    );
    await expect(codeBlock.getByRole("button", { name: en.chat.message.copyCode })).toBeVisible();
  });

  test("the answer's details show the model it came from", async () => {
    const answer = latestAnswer();
    const panel = answer.getByTestId("message-details-panel");
    await expect(panel).toBeHidden();
    await answer.getByTestId("message-details").hover();
    await expect(panel).toBeVisible();
    const modelRow = panel.locator("div").filter({ hasText: en.chat.details.model }).first();
    await expect(modelRow.locator("dd")).toHaveText(FAKE_MODEL);
    await expect(panel.locator("div").filter({ hasText: en.chat.details.provider }).first().locator("dd")).toHaveText(
      "openai",
    );
    // The usage the model reported in its last chunk.
    await expect(panel.locator("div").filter({ hasText: en.chat.details.tokens }).first().locator("dd")).toContainText(
      `${DEFAULT_ANSWER_TOKENS} out`,
    );
    await screenshot(page, "23-chat-details", { fullPage: false });

    // Keyboard people get it on focus.
    await page.mouse.move(0, 0);
    await expect(panel).toBeHidden();
    await answer.getByTestId("message-details").focus();
    await expect(panel).toBeVisible();
    await page.getByTestId("chat-input").focus();
    await expect(panel).toBeHidden();

    const stored = (await messagesOf(firstChatId)).filter((message) => message.role === "assistant");
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: "done", model: FAKE_MODEL });
  });

  test("Stop ends a long answer and keeps what was written", async () => {
    const before = await fakeStatus();
    await send(SLOW_QUESTION);
    const answer = latestAnswer();
    await expect(answer).toHaveAttribute("data-status", "streaming");
    const stop = page.getByTestId("chat-stop");
    await expect(stop).toBeVisible();
    // While it answers, the input waits.
    await expect(page.getByTestId("chat-input")).toBeDisabled();
    await expect(markdownOf(answer)).toContainText("Once upon a time a patient");

    await stop.click();
    await expect(answer).toHaveAttribute("data-status", "stopped");
    await expect(answer.getByTestId("message-stopped")).toHaveText(en.chat.message.stopped);
    await expect(page.getByTestId("chat-stop")).toBeHidden();
    await expect(page.getByTestId("chat-input")).toBeEnabled();
    await expect(page.getByTestId("chat-input")).toBeFocused();

    // The partial text is kept, the same on the page as stored, far from the full minute of words.
    const stored = (await messagesOf(firstChatId)).at(-1);
    expect(stored).toMatchObject({ role: "assistant", status: "stopped" });
    const partial = fold(stored?.content ?? "");
    expect(partial).toMatch(/^Once upon a time a patient/);
    expect(partial.split(" ").length).toBeLessThan(300);
    await expect(markdownOf(answer)).toHaveText(partial);

    // Stopping closed the connection to the model: it stopped writing.
    await expect.poll(async () => (await fakeStatus()).disconnected).toBe(before.disconnected + 1);
    expect((await fakeStatus()).streaming).toBe(0);
    await screenshot(page, "24-chat-stopped");
  });

  test("rating an answer up, then down, and reviewing it are stored", async () => {
    const answer = answers().first();
    const up = answer.getByTestId("mark-up");
    const down = answer.getByTestId("mark-down");
    await expect(up).toHaveAttribute("aria-pressed", "false");
    await expect(down).toHaveAttribute("aria-pressed", "false");

    const marked = (value: number) =>
      page.waitForResponse(
        (response) =>
          /\/api\/v1\/messages\/[^/]+\/mark$/.test(response.url()) &&
          response.request().postDataJSON()?.value === value,
      );
    let saved = marked(1);
    await up.click();
    expect((await saved).ok()).toBe(true);
    await expect(up).toHaveAttribute("aria-pressed", "true");
    await expect(down).toHaveAttribute("aria-pressed", "false");

    saved = marked(-1);
    await down.click();
    expect((await saved).ok()).toBe(true);
    await expect(down).toHaveAttribute("aria-pressed", "true");
    await expect(up).toHaveAttribute("aria-pressed", "false");

    await answer.getByTestId("review-open").click();
    const dialog = page.getByRole("dialog", { name: en.chat.review.title });
    await expect(dialog).toBeVisible();
    const tag = dialog.getByTestId("review-tag-incomplete");
    await tag.click();
    await expect(tag).toHaveAttribute("aria-pressed", "true");
    const reviewText = "It never says how to handle a header row.";
    await dialog.getByTestId("review-text").fill(reviewText);
    await screenshot(page, "25-chat-review-dialog", { fullPage: false });
    await dialog.getByTestId("review-submit").click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(en.chat.review.success)).toBeVisible();

    // The department's feedback, as its admins get it.
    const answerId = (await messagesOf(firstChatId)).find((message) => message.role === "assistant")?.id;
    const feedback = await api.get(`/api/v1/feedback?tenantId=${tenantId}`, { headers: auth() });
    expect(feedback.status()).toBe(200);
    const items = (await feedback.json()) as {
      messageId: string;
      mark: number | null;
      review: string | null;
      tags: string[];
      userEmail: string;
    }[];
    const item = items.find((candidate) => candidate.messageId === answerId && candidate.review === reviewText);
    expect(item, JSON.stringify(items)).toMatchObject({ mark: -1, tags: ["incomplete"], userEmail: owner.email });
    // The mark survives a reload too.
    expect((await messagesOf(firstChatId)).find((message) => message.id === answerId)?.myMark).toBe(-1);
  });

  test("a model that fails shows a translated error and a way to try again", async () => {
    const before = await fakeStatus();
    await send(FAILING_QUESTION);
    const answer = latestAnswer();
    await expect(answer).toHaveAttribute("data-status", "failed");
    const error = answer.getByTestId("message-error");
    await expect(error).toContainText(en.errors.llm.unavailable);
    const retry = error.getByTestId("message-retry");
    await expect(retry).toHaveText(en.chat.message.retry);
    // One attempt (LLM_RETRY_ATTEMPTS=1): the model was asked once.
    expect((await fakeStatus()).failed).toBe(before.failed + 1);
    await screenshot(page, "26-chat-error");

    // Trying again asks the model again (and it fails again, being the fake one).
    await retry.click();
    await expect.poll(async () => (await fakeStatus()).failed).toBe(before.failed + 2);
    await expect(latestAnswer()).toHaveAttribute("data-status", "failed");
    // A new answer, failed again, in place of the first ("2 / 2"); the first is a click away.
    const version = latestAnswer().getByTestId("message-version");
    await expect(version).toHaveText("2 / 2");
    await expect(page.getByTestId("message-error")).toHaveCount(1);
    await expect(latestAnswer().getByTestId("message-retry")).toBeEnabled();
    await latestAnswer().getByTestId("message-version-previous").click();
    await expect(version).toHaveText("1 / 2");
    await expect(latestAnswer()).toHaveAttribute("data-status", "failed");
    await expect(latestAnswer().getByTestId("message-version-previous")).toBeDisabled();
    await latestAnswer().getByTestId("message-version-next").click();
    await expect(version).toHaveText("2 / 2");
  });

  test("chats are searched by title and by message text", async () => {
    // A second chat, from the start page's card.
    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat$/);
    await page.getByTestId("chat-start-general").click();
    await expect(page).toHaveURL(/\/chat\?assistant=/);
    await send(SECOND_CHAT_QUESTION);
    await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
    secondChatId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(secondChatId).not.toBe(firstChatId);
    await expect(latestAnswer()).toHaveAttribute("data-status", "done");

    const items = page.getByTestId("chat-list-item");
    await expect(items).toHaveCount(2);
    // The most recent chat comes first.
    await expect(items.first()).toContainText(SECOND_CHAT_QUESTION);

    const search = page.getByTestId("chat-search");
    // By title.
    await search.fill("second chat");
    await expect(items).toHaveCount(1);
    await expect(items).toContainText(SECOND_CHAT_QUESTION);
    // By a message's text ("slow" is only in a message of the first chat, not in its title).
    await search.fill("slow story");
    await expect(items).toHaveCount(1);
    await expect(items).toContainText(FIRST_QUESTION);
    await screenshot(page, "27-chat-search");
    // Nothing found.
    await search.fill("no such words anywhere");
    await expect(page.getByTestId("chat-list-empty")).toContainText(
      en.chat.list.emptySearch.title.replace("{{query}}", "no such words anywhere"),
    );
    await expect(items).toHaveCount(0);
    // Escape clears the search.
    await search.press("Escape");
    await expect(search).toHaveValue("");
    await expect(items).toHaveCount(2);

    await items.filter({ hasText: FIRST_QUESTION }).click();
    await expect(page).toHaveURL(new RegExp(`/chat/${firstChatId}$`));
    await expect(page.getByTestId("chat-title")).toHaveText(FIRST_QUESTION);
  });

  test("a reload in the middle of an answer picks the answer up where it was", async () => {
    await page.getByTestId("chat-list-item").filter({ hasText: SECOND_CHAT_QUESTION }).click();
    await expect(page).toHaveURL(new RegExp(`/chat/${secondChatId}$`));
    await send(RESUMED_QUESTION);
    const answer = latestAnswer();
    await expect(markdownOf(answer)).toContainText("Once upon a time a patient model");
    const beforeReload = fold((await markdownOf(answer).textContent()) ?? "");

    await page.reload();
    await expect(page.getByTestId("chat-title")).toHaveText(SECOND_CHAT_QUESTION);
    const resumed = latestAnswer();
    await expect(resumed).toHaveAttribute("data-status", "streaming");
    // Live again: the text keeps growing past what was there, and Stop is offered.
    await expect
      .poll(async () => fold((await markdownOf(resumed).textContent()) ?? "").length, { timeout: 15_000 })
      .toBeGreaterThan(beforeReload.length + 40);
    const afterReload = fold((await markdownOf(resumed).textContent()) ?? "");
    expect(afterReload.startsWith(beforeReload)).toBe(true);
    await expect(page.getByTestId("chat-stop")).toBeVisible();

    await page.getByTestId("chat-stop").click();
    await expect(resumed).toHaveAttribute("data-status", "stopped");
    const stored = (await messagesOf(secondChatId)).at(-1);
    expect(stored).toMatchObject({ role: "assistant", status: "stopped" });
    await expect(markdownOf(resumed)).toHaveText(fold(stored?.content ?? ""));
    expect(fold(stored?.content ?? "").startsWith(afterReload)).toBe(true);
    await expect.poll(async () => (await fakeStatus()).streaming).toBe(0);
  });

  test("the chat page in the dark theme and on a phone", async () => {
    await page.goto(`/chat/${firstChatId}`);
    await expect(page.getByTestId("chat-title")).toHaveText(FIRST_QUESTION);
    // The chat opens at its end; the first answer, with its code block, is the one worth seeing.
    await answers().first().scrollIntoViewIfNeeded();
    await expect(answers().first().locator(".code-block")).toBeInViewport();

    await page.getByRole("button", { name: en.layout.theme.label }).click();
    await page.getByRole("menuitemradio", { name: en.layout.theme.dark }).click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await screenshot(page, "28-chat-dark");

    await page.getByRole("button", { name: en.layout.theme.label }).click();
    await page.getByRole("menuitemradio", { name: en.layout.theme.light }).click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);

    await page.setViewportSize(PHONE);
    try {
      // Below 768 px the chat list is a drawer, closed until asked for.
      await expect(page.getByTestId("chat-list-item")).toHaveCount(0);
      await expect(page.getByTestId("chat-title")).toHaveText(FIRST_QUESTION);
      await screenshot(page, "29-chat-mobile", { fullPage: false });

      await page.getByTestId("chat-list-open").click();
      const drawer = page.locator("#chat-list-drawer");
      await expect(drawer.getByTestId("chat-list-item")).toHaveCount(2);
      await expect(drawer.getByTestId("chat-search")).toBeVisible();
      await screenshot(page, "30-chat-mobile-drawer", { fullPage: false });

      // Picking a chat closes the drawer.
      await drawer.getByTestId("chat-list-item").filter({ hasText: SECOND_CHAT_QUESTION }).click();
      await expect(page).toHaveURL(new RegExp(`/chat/${secondChatId}$`));
      await expect(drawer.getByTestId("chat-list-item")).toHaveCount(0);
      await expect(page.getByTestId("chat-title")).toHaveText(SECOND_CHAT_QUESTION);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
});
