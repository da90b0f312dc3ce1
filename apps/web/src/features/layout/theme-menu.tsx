import { useTranslation } from "react-i18next";
import { MonitorIcon, MoonIcon, SunIcon } from "../../components/ui/icons";
import { Menu, MenuLabel, MenuRadioItem } from "../../components/ui/menu";
import { setThemePreference, type ThemePreference, useThemePreference } from "../../lib/theme";

const ICONS: Record<ThemePreference, typeof SunIcon> = { light: SunIcon, dark: MoonIcon, system: MonitorIcon };

/** Light, dark, or follow the operating system. Saved per browser. */
export function ThemeMenu() {
  const { t } = useTranslation();
  const preference = useThemePreference();
  const Current = ICONS[preference];
  return (
    <Menu
      label={t("layout.theme.label")}
      triggerClassName="size-9 justify-center"
      trigger={<Current className="size-4" />}
    >
      <MenuLabel>{t("layout.theme.label")}</MenuLabel>
      {(Object.keys(ICONS) as ThemePreference[]).map((option) => {
        const OptionIcon = ICONS[option];
        return (
          <MenuRadioItem
            key={option}
            checked={preference === option}
            icon={<OptionIcon />}
            onSelect={() => setThemePreference(option)}
          >
            {t(`layout.theme.${option}`)}
          </MenuRadioItem>
        );
      })}
    </Menu>
  );
}
