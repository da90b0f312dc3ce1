import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import { en } from "../apps/web/src/i18n/en";
import { ru } from "../apps/web/src/i18n/ru";

/** The interface texts, so assertions follow the dictionaries instead of copies of them. */
export const texts = { en, ru };

/** Git-ignored folder of screenshots a person can look through after a run. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));

/**
 * The instance owner that the foundation test creates in the first-run setup (01-foundation runs
 * first), and the member it adds; later specs sign in with them.
 */
export const owner = { name: "Olga Owner", email: "owner@example.org", password: "owner-password-123" };
export const member = { name: "Lena Petrova", email: "lena.petrova@example.org", password: "member-password-456" };

/** Desktop size of the screenshots; the phone size of the mobile ones. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Lets the page settle (no spinner, no toast, fonts loaded) so screenshots are the same from run
 * to run. Toasts are dismissed: they time out after a few seconds, so whether one shows would
 * depend on the machine's speed.
 */
export async function settle(page: Page): Promise<void> {
  const toasts = page.locator('[aria-live="polite"] > [role="status"], [aria-live="polite"] > [role="alert"]');
  // Always the first one: dismissing a toast shifts the others up the list.
  for (let round = 0; round < 10 && (await toasts.count()) > 0; round++) {
    await toasts
      .first()
      .getByRole("button")
      .click({ timeout: 2_000 })
      .catch(() => {
        // It timed out on its own meanwhile.
      });
  }
  await expect(toasts).toHaveCount(0);
  await expect(page.locator(".animate-spin")).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready);
}

/**
 * Saves e2e/screenshots/<name>.png. The whole page unless `fullPage: false`: the window is made as
 * tall as the page for the shot (then restored), so the fixed sidebar and the sticky top bar are
 * drawn as on a tall screen instead of stopping or floating where the window ended.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await settle(page);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  const viewport = page.viewportSize();
  if (options.fullPage === false || !viewport) {
    await page.screenshot({ path, animations: "disabled" });
    return;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  try {
    let height = viewport.height;
    // Growing the window can change the layout; a few rounds settle it.
    for (let round = 0; round < 3; round++) {
      const needed = await page.evaluate(() => document.documentElement.scrollHeight);
      if (needed <= height) break;
      height = needed;
      await page.setViewportSize({ width: viewport.width, height });
    }
    await page.screenshot({ path, animations: "disabled" });
  } finally {
    await page.setViewportSize(viewport);
  }
}
