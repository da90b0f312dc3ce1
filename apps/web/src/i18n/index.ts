import { LocaleSchema } from "@atrium/contracts";
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { createStoredValue } from "../lib/stored-value";
import { en } from "./en";
import { ru } from "./ru";

export type Locale = (typeof LocaleSchema.options)[number];

/** Languages of the interface, each named in itself. */
export const LANGUAGES: ReadonlyArray<{ code: Locale; name: string }> = [
  { code: "en", name: "English" },
  { code: "ru", name: "Русский" },
];

const storedLocale = createStoredValue("atrium.locale");

/** Saved choice first, then the browser's language, then English. */
function detectLocale(): Locale {
  const saved = LocaleSchema.safeParse(storedLocale.get());
  if (saved.success) return saved.data;
  const browser = typeof navigator === "undefined" ? "" : navigator.language.toLowerCase();
  return browser.startsWith("ru") ? "ru" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: detectLocale(),
  fallbackLng: "en",
  supportedLngs: ["en", "ru"],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

const syncDocumentLanguage = (lng: string) => {
  if (typeof document !== "undefined") document.documentElement.lang = lng;
};
syncDocumentLanguage(i18n.language);
i18n.on("languageChanged", syncDocumentLanguage);

/** The interface language in use. */
export function currentLocale(): Locale {
  return i18n.resolvedLanguage === "ru" ? "ru" : "en";
}

/** Switches the interface language and remembers it in this browser. */
export function setLocale(locale: Locale): void {
  storedLocale.set(locale);
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
}

export { i18n };
