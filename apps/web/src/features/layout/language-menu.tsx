import { useTranslation } from "react-i18next";
import { GlobeIcon } from "../../components/ui/icons";
import { Menu, MenuLabel, MenuRadioItem } from "../../components/ui/menu";
import { currentLocale, LANGUAGES, type Locale, setLocale } from "../../i18n";
import { useHasSession } from "../../lib/auth-store";
import { useUpdateMe } from "../profile/api";

/** Switches the interface language; when signed in, the choice is saved to the account too. */
export function LanguageMenu() {
  const { t, i18n } = useTranslation();
  const hasSession = useHasSession();
  const updateMe = useUpdateMe();
  const active = currentLocale();

  const choose = (locale: Locale) => {
    setLocale(locale);
    if (hasSession) updateMe.mutate({ locale });
  };

  return (
    <Menu
      label={t("layout.language")}
      triggerClassName="h-9 px-2.5"
      trigger={
        <>
          <GlobeIcon className="size-4" />
          <span className="text-xs font-semibold uppercase" lang={i18n.language}>
            {active}
          </span>
        </>
      }
    >
      <MenuLabel>{t("layout.language")}</MenuLabel>
      {LANGUAGES.map((language) => (
        <MenuRadioItem key={language.code} checked={language.code === active} onSelect={() => choose(language.code)}>
          <span lang={language.code}>{language.name}</span>
        </MenuRadioItem>
      ))}
    </Menu>
  );
}
