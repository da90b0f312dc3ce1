import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { DESKTOP, member, owner, PHONE, screenshot, texts } from "./support";

/**
 * The foundation flow, as a new instance's owner lives it: first-run setup, signing in, a
 * department with a new member, an API key that really works, the interface in Russian and dark,
 * then the member's own (non-admin) view. Screenshots of every main page land in e2e/screenshots/.
 *
 * The steps share one browser page and run in order: the first-run setup can happen only once per
 * server, and each step starts where the previous one ended.
 */

const { en, ru } = texts;

const TENANT = "Legal";

/** The home page's heading for this person, in the dictionary's words. */
const greeting = (messages: typeof en, name: string) => messages.home.greeting.replace("{{name}}", name);

// Serial mode (what test.describe.serial does, in a form the formatter keeps readable): the steps
// run in order, and after a failure the later ones are skipped instead of running on a broken state.
test.describe.configure({ mode: "serial" });

test.describe("foundation: setup, tenant, member, API key, languages", () => {
  let context: BrowserContext;
  let page: Page;
  let tenantPath = "";
  const pageErrors: string[] = [];

  test.beforeAll(async ({ browser }, testInfo) => {
    const { baseURL, locale, timezoneId, colorScheme } = testInfo.project.use;
    context = await browser.newContext({ baseURL, locale, timezoneId, colorScheme, viewport: DESKTOP });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  });

  // Playwright traces this context too (trace: retain-on-failure) and screenshots it on failure.
  test.afterEach(async () => {
    // An uncaught exception in the page is a bug even when the step still passed.
    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  });

  test.afterAll(async () => {
    await context.close();
  });

  test("first-run setup creates the owner and signs them in", async () => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole("heading", { name: en.setup.title })).toBeVisible();
    await screenshot(page, "01-setup");

    await page.getByTestId("setup-name").fill(owner.name);
    await page.getByTestId("setup-email").fill(owner.email);
    await page.getByTestId("setup-password").fill(owner.password);
    await page.getByTestId("setup-submit").click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: greeting(en, owner.name) })).toBeVisible();
    await expect(page.getByTestId("nav-users")).toBeVisible();
    await screenshot(page, "02-home");

    // Setup is over: its page sends someone signed in home, and the sign-in page sees the session.
    await page.goto("/setup");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: greeting(en, owner.name) })).toBeVisible();
    await page.goto("/login");
    await expect(page.getByText(en.auth.login.alreadySignedIn)).toBeVisible();
    await page.getByRole("link", { name: en.auth.login.continue }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("signing out, a wrong password is refused, the right one signs in", async () => {
    await page.getByTestId("logout").click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: en.auth.login.title })).toBeVisible();

    await page.getByTestId("login-email").fill(owner.email);
    await page.getByTestId("login-password").fill("not-the-password");
    await page.getByTestId("login-submit").click();
    await expect(page.getByText(en.errors.auth.invalid_credentials)).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
    await screenshot(page, "03-login-error");

    await page.getByTestId("login-password").fill(owner.password);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: greeting(en, owner.name) })).toBeVisible();
  });

  test("the owner creates a department and adds a new person to it", async () => {
    await page.getByTestId("nav-tenants").click();
    await expect(page).toHaveURL(/\/admin\/tenants$/);
    await expect(page.getByRole("heading", { name: en.tenants.title, level: 1 })).toBeVisible();
    await expect(page.getByText(en.tenants.empty.title)).toBeVisible();
    await screenshot(page, "04-tenants-empty");

    await page.getByTestId("tenant-create-name").fill(TENANT);
    await page.getByTestId("tenant-create-submit").click();
    await expect(page).toHaveURL(/\/tenants\/[^/]+$/);
    tenantPath = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { name: TENANT, level: 1 })).toBeVisible();

    await page.getByTestId("member-email").fill(member.email);
    await page.getByTestId("member-role").selectOption({ label: en.roles.member });
    await page.getByTestId("member-name").fill(member.name);
    await page.getByTestId("member-password").fill(member.password);
    await page.getByTestId("member-add-submit").click();

    const row = page.getByTestId("member-row").filter({ hasText: member.email });
    await expect(row).toBeVisible();
    await expect(row).toContainText(member.name);
    // The form starts over for the next person.
    await expect(page.getByTestId("member-email")).toHaveValue("");
    await screenshot(page, "05-tenant-detail");

    await page.getByTestId("nav-tenants").click();
    const tenantRow = page.getByTestId("tenant-row").filter({ hasText: TENANT });
    await expect(tenantRow).toBeVisible();
    await screenshot(page, "06-tenants");
  });

  test("the users page lists the new person", async () => {
    await page.getByTestId("nav-users").click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    const row = page.getByTestId("user-row").filter({ hasText: member.email });
    await expect(row).toBeVisible();
    await expect(row).toContainText(member.name);
    await expect(page.getByTestId("user-row").filter({ hasText: owner.email })).toBeVisible();
    await screenshot(page, "07-users");

    // The create-user dialog, looked at and closed without creating anyone.
    await page.getByTestId("user-create-open").click();
    const dialog = page.getByRole("dialog", { name: en.users.create.title });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("user-create-name")).toBeVisible();
    await screenshot(page, "08-users-create-dialog", { fullPage: false });
    await dialog.getByRole("button", { name: en.common.cancel }).click();
    await expect(dialog).toBeHidden();
  });

  test("the owner creates an API key on the profile page, and the key works", async ({ request }) => {
    await page.getByTestId("nav-profile").click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("heading", { name: en.profile.title, level: 1 })).toBeVisible();

    await page.getByTestId("apikey-name").fill("Integration test");
    await page.getByTestId("apikey-tenant").selectOption({ label: TENANT });
    await page.getByTestId("apikey-create-submit").click();

    const secret = page.getByTestId("apikey-secret");
    await expect(secret).toBeVisible();
    const apiKey = ((await secret.textContent()) ?? "").trim();
    expect(apiKey).toMatch(/^atr_\S+$/);
    await expect(page.getByTestId("apikey-row").filter({ hasText: "Integration test" })).toContainText(TENANT);
    await screenshot(page, "09-profile");

    const me = await request.get("/api/v1/users/me", { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(me.status()).toBe(200);
    const body = await me.json();
    expect(body).toMatchObject({ email: owner.email, name: owner.name });
    expect(body.memberships.map((m: { tenantName: string }) => m.tenantName)).toContain(TENANT);

    const anonymous = await request.get("/api/v1/users/me");
    expect(anonymous.status()).toBe(401);
    const forged = await request.get("/api/v1/users/me", { headers: { Authorization: `Bearer ${apiKey}x` } });
    expect(forged.status()).toBe(401);
  });

  test("on a phone, the navigation opens as a drawer", async () => {
    await page.setViewportSize(PHONE);
    try {
      await page.goto("/");
      await expect(page.getByRole("heading", { name: greeting(en, owner.name) })).toBeVisible();
      // Below 1024 px the sidebar is not in the page until the drawer opens.
      await expect(page.getByTestId("nav-home")).toHaveCount(0);
      await expect(page.getByTestId("active-tenant-name")).toHaveText(TENANT);
      await screenshot(page, "10-mobile-home");

      await page.getByRole("button", { name: en.layout.openMenu }).click();
      const drawer = page.locator("#mobile-navigation");
      await expect(drawer.getByTestId("nav-users")).toBeVisible();
      await expect(drawer.getByTestId("logout")).toBeVisible();
      await screenshot(page, "11-mobile-home-drawer", { fullPage: false });

      await page.keyboard.press("Escape");
      await expect(drawer.getByTestId("nav-home")).toHaveCount(0);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  test("in Russian and with the dark theme", async () => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: greeting(en, owner.name) })).toBeVisible();

    await page.getByRole("button", { name: en.layout.theme.label }).click();
    await page.getByRole("menuitemradio", { name: en.layout.theme.dark }).click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);

    // The language is saved to the account too.
    const saved = page.waitForResponse(
      (response) => response.url().endsWith("/api/v1/users/me") && response.request().method() === "PATCH",
    );
    await page.getByRole("button", { name: en.layout.language }).click();
    await page.getByRole("menuitemradio", { name: "Русский" }).click();
    expect((await saved).status()).toBe(200);
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page.getByRole("heading", { name: greeting(ru, owner.name) })).toBeVisible();
    await expect(page.getByTestId("nav-home")).toHaveText(ru.nav.home);
    await screenshot(page, "12-home-ru-dark");

    await page.getByTestId("nav-tenants").click();
    await expect(page.getByRole("heading", { name: ru.tenants.title, level: 1 })).toBeVisible();
    await expect(page.getByTestId("tenant-row").filter({ hasText: TENANT })).toBeVisible();
    await screenshot(page, "13-tenants-ru-dark");

    await page.goto(tenantPath);
    await expect(page.getByRole("heading", { name: TENANT, level: 1 })).toBeVisible();
    await expect(page.getByTestId("member-row").filter({ hasText: member.email })).toBeVisible();
    await screenshot(page, "14-tenant-detail-ru-dark");

    await page.getByTestId("nav-users").click();
    await expect(page.getByRole("heading", { name: ru.users.title, level: 1 })).toBeVisible();
    await expect(page.getByTestId("user-row").filter({ hasText: member.email })).toBeVisible();
    await screenshot(page, "15-users-ru-dark");

    await page.getByTestId("nav-profile").click();
    await expect(page.getByRole("heading", { name: ru.profile.title, level: 1 })).toBeVisible();
    await expect(page.getByTestId("apikey-row").filter({ hasText: "Integration test" })).toBeVisible();
    await screenshot(page, "16-profile-ru-dark");

    // A reload keeps both choices.
    await page.reload();
    await expect(page.getByRole("heading", { name: ru.profile.title, level: 1 })).toBeVisible();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  });

  test("the new member signs in and sees their department, without administration", async () => {
    await page.getByTestId("logout").click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: ru.auth.login.title })).toBeVisible();
    await screenshot(page, "17-login-ru-dark");

    // Back to the light theme from the sign-in page's own menu.
    await page.getByRole("button", { name: ru.layout.theme.label }).click();
    await page.getByRole("menuitemradio", { name: ru.layout.theme.light }).click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);

    await page.getByTestId("login-email").fill(member.email);
    await page.getByTestId("login-password").fill(member.password);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/$/);

    // The member's own saved language (English, the default) replaces the owner's Russian.
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { name: greeting(en, member.name) })).toBeVisible();
    await expect(page.getByTestId("tenant-switcher").locator("option:checked")).toHaveText(TENANT);
    await expect(page.getByTestId("active-tenant-name")).toHaveText(TENANT);

    await expect(page.getByTestId("nav-home")).toBeVisible();
    await expect(page.getByTestId("nav-profile")).toBeVisible();
    await expect(page.getByTestId("nav-users")).toHaveCount(0);
    await expect(page.getByTestId("nav-tenants")).toHaveCount(0);
    await expect(page.getByTestId("nav-members")).toHaveCount(0);
    await screenshot(page, "18-member-home");

    await page.getByTestId("nav-profile").click();
    await expect(page.getByRole("heading", { name: en.profile.title, level: 1 })).toBeVisible();
    // Their departments, with their role in each.
    const membership = page.getByRole("listitem").filter({ hasText: TENANT });
    await expect(membership).toBeVisible();
    await expect(membership).toContainText(en.roles.member);
    await screenshot(page, "19-member-profile");

    // An admin page opened by its address tells the member it is not for them.
    await page.goto("/admin/users");
    await expect(page.getByText(en.errors.notAllowed.title)).toBeVisible();
    await expect(page.getByTestId("user-row")).toHaveCount(0);
    await screenshot(page, "20-member-not-allowed");
  });
});
