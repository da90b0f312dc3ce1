import type { Message } from "@atrium/contracts";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { InfoIcon } from "../../components/ui/icons";
import { formatCost, formatDuration, formatNumber } from "../../lib/format";

/** "system v2 · answer v1" from an answer's prompt versions. */
export function describePromptVersions(versions: Message["promptVersions"]): string | null {
  const entries = Object.entries(versions ?? {});
  if (entries.length === 0) return null;
  return entries.map(([stage, version]) => `${stage} v${version}`).join(" · ");
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex justify-between gap-4">
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="text-right font-medium text-fg tabular-nums">{value}</dd>
    </div>
  );
}

/**
 * How an answer was made, shown while the info button is hovered or focused: model and provider,
 * prompt versions, tokens, time to first token and in total, and cost when the price is known.
 */
export function MessageDetails({ message }: { message: Message }) {
  const { t, i18n } = useTranslation();
  const tooltipId = useId();
  const locale = i18n.language;
  const prompts = describePromptVersions(message.promptVersions);
  const usage = message.usage;

  return (
    <div className="group/details relative">
      <button
        type="button"
        aria-describedby={tooltipId}
        data-testid="message-details"
        className="rounded-md p-1.5 text-fg-subtle transition-colors hover:bg-subtle hover:text-fg [&_svg]:size-4"
      >
        <InfoIcon />
        <span className="sr-only">{t("chat.message.details")}</span>
      </button>
      <div
        id={tooltipId}
        role="tooltip"
        data-testid="message-details-panel"
        className="invisible absolute bottom-full left-1/2 z-30 mb-2 w-64 -translate-x-1/2 rounded-lg border border-line bg-surface p-3 text-xs opacity-0 shadow-lg transition-opacity group-focus-within/details:visible group-focus-within/details:opacity-100 group-hover/details:visible group-hover/details:opacity-100"
      >
        <dl className="flex flex-col gap-1.5">
          <Row label={t("chat.details.model")} value={message.model ?? "—"} />
          <Row label={t("chat.details.provider")} value={message.providerKind ?? "—"} />
          <Row label={t("chat.details.prompts")} value={prompts ?? "—"} />
          <Row
            label={t("chat.details.tokens")}
            value={
              usage
                ? t("chat.details.tokensValue", {
                    input: formatNumber(usage.inputTokens, locale),
                    output: formatNumber(usage.outputTokens, locale),
                  })
                : "—"
            }
          />
          <Row label={t("chat.details.firstToken")} value={formatDuration(message.firstTokenMs, locale)} />
          <Row label={t("chat.details.latency")} value={formatDuration(message.latencyMs, locale)} />
          {usage?.costKnown ? <Row label={t("chat.details.cost")} value={formatCost(usage.costUsd, locale)} /> : null}
        </dl>
      </div>
    </div>
  );
}
