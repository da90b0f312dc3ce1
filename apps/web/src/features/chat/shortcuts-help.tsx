import { useTranslation } from "react-i18next";
import { Popover } from "../../components/ui/popover";

/** "⌘" on Apple devices, "Ctrl" elsewhere: what the shortcuts' modifier key is called here. */
export function modifierKeyName(): string {
  const platform = typeof navigator === "undefined" ? "" : navigator.platform || navigator.userAgent;
  return /Mac|iPhone|iPad/i.test(platform) ? "⌘" : "Ctrl";
}

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="flex shrink-0 gap-1">
      {keys.map((key) => (
        <kbd
          key={key}
          className="min-w-6 rounded border border-line-strong bg-subtle px-1.5 py-0.5 text-center font-sans text-xs text-fg"
        >
          {key}
        </kbd>
      ))}
    </span>
  );
}

/** The "?" button listing the chat's keyboard shortcuts. */
export function ShortcutsHelp() {
  const { t } = useTranslation();
  const mod = modifierKeyName();
  const shortcuts: Array<{ keys: string[]; label: string }> = [
    { keys: [mod, "K"], label: t("chat.shortcuts.search") },
    { keys: [mod, "Shift", "O"], label: t("chat.shortcuts.newChat") },
    { keys: ["Enter"], label: t("chat.shortcuts.send") },
    { keys: ["Shift", "Enter"], label: t("chat.shortcuts.newline") },
    { keys: ["Esc"], label: t("chat.shortcuts.stop") },
  ];
  return (
    <Popover
      label={t("chat.shortcuts.title")}
      triggerClassName="size-8 text-sm font-semibold"
      triggerTestId="chat-shortcuts"
      trigger={<span aria-hidden="true">?</span>}
    >
      <h2 className="mb-3 text-sm font-semibold text-fg">{t("chat.shortcuts.title")}</h2>
      <ul className="flex flex-col gap-2.5">
        {shortcuts.map((shortcut) => (
          <li key={shortcut.label} className="flex items-center justify-between gap-3 text-fg-muted">
            <span>{shortcut.label}</span>
            <Keys keys={shortcut.keys} />
          </li>
        ))}
      </ul>
    </Popover>
  );
}
