import { useSyncExternalStore } from "react";
import { createStoredValue } from "./stored-value";

/** Theme choices offered in the theme menu. */
export const THEME_PREFERENCES = ["light", "dark", "system"] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

const stored = createStoredValue("atrium.theme");

function readPreference(): ThemePreference {
  const value = stored.get();
  return THEME_PREFERENCES.includes(value as ThemePreference) ? (value as ThemePreference) : "system";
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/** Puts the `dark` class on <html> when the chosen (or system) theme is dark. */
function applyTheme(): void {
  const preference = readPreference();
  const isDark = preference === "dark" || (preference === "system" && systemPrefersDark());
  document.documentElement.classList.toggle("dark", isDark);
}

/** Applies the saved theme and follows later changes (this tab, other tabs, the OS setting). */
export function initTheme(): void {
  applyTheme();
  stored.subscribe(applyTheme);
  if (typeof window.matchMedia === "function") {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", applyTheme);
  }
}

/** Saves the person's theme choice for this browser. */
export function setThemePreference(preference: ThemePreference): void {
  stored.set(preference);
}

/** The saved theme choice; re-renders when it changes. */
export function useThemePreference(): ThemePreference {
  return useSyncExternalStore(stored.subscribe, readPreference, () => "system");
}
