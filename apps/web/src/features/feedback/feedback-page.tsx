import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { ChevronLeftIcon, ChevronRightIcon, HeartIcon, ThumbsDownIcon, ThumbsUpIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { describeError } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { formatDateTime } from "../../lib/format";
import { useTenant } from "../tenants/api";
import { type FeedbackItem, useFeedback } from "./api";

const PAGE_SIZE = 20;

function FeedbackEntry({ item }: { item: FeedbackItem }) {
  const { t, i18n } = useTranslation();
  const [isExpanded, setIsExpanded] = useState(false);
  return (
    <li className="flex flex-col gap-3 px-5 py-4" data-testid="feedback-item">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {item.mark === 1 ? (
          <Badge tone="success">
            <ThumbsUpIcon className="mr-1 size-3.5" />
            {t("feedback.good")}
          </Badge>
        ) : item.mark === -1 ? (
          <Badge tone="danger">
            <ThumbsDownIcon className="mr-1 size-3.5" />
            {t("feedback.bad")}
          </Badge>
        ) : null}
        {item.tags.map((tag) => (
          <Badge key={tag} tone="warning">
            {t(`chat.review.tags.${tag}`, { defaultValue: tag })}
          </Badge>
        ))}
        <span className="font-medium text-fg">{item.userEmail}</span>
        <span className="text-fg-subtle">· {item.assistantName}</span>
        <span className="ml-auto text-xs text-fg-subtle">{formatDateTime(item.createdAt, i18n.language)}</span>
      </div>
      {item.review ? (
        <blockquote className="rounded-lg border-l-4 border-accent/50 bg-accent-soft/40 px-4 py-2 text-sm whitespace-pre-wrap text-fg">
          {item.review}
        </blockquote>
      ) : null}
      <div>
        <p className="mb-1 text-xs font-medium text-fg-subtle">{t("feedback.answer")}</p>
        <p className={cn("text-sm whitespace-pre-wrap text-fg-muted", !isExpanded && "line-clamp-3")}>
          {item.answer || t("feedback.emptyAnswer")}
        </p>
        {item.answer.length > 240 ? (
          <button
            type="button"
            onClick={() => setIsExpanded((value) => !value)}
            className="mt-1 text-xs font-medium text-accent-text hover:underline"
          >
            {isExpanded ? t("feedback.showLess") : t("feedback.showMore")}
          </button>
        ) : null}
      </div>
    </li>
  );
}

/** A department's rated and reviewed answers, newest first, for its admins to act on. */
export function FeedbackPage() {
  const { t } = useTranslation();
  const { tenantId = "" } = useParams();
  const tenant = useTenant(tenantId);
  const [offset, setOffset] = useState(0);
  const feedback = useFeedback(tenantId, { limit: PAGE_SIZE, offset });
  const hasMore = (feedback.data?.length ?? 0) === PAGE_SIZE;

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={`/tenants/${tenantId}`} className="hover:text-fg hover:underline">
            {tenant.data?.name ?? t("tenants.eyebrow")}
          </Link>
        }
        title={t("feedback.title")}
        description={t("feedback.description")}
      />
      <Card>
        <CardHeader title={t("feedback.list.title")} description={t("feedback.list.description")} />
        {feedback.isPending ? (
          <LoadingBlock />
        ) : feedback.isError ? (
          <div className="p-5">
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void feedback.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(feedback.error, t)}
            </Alert>
          </div>
        ) : feedback.data.length === 0 ? (
          <EmptyState
            icon={<HeartIcon />}
            title={offset > 0 ? t("feedback.emptyPage.title") : t("feedback.empty.title")}
            description={offset > 0 ? t("feedback.emptyPage.description") : t("feedback.empty.description")}
          />
        ) : (
          <ul className="divide-y divide-line">
            {feedback.data.map((item) => (
              <FeedbackEntry key={item.messageId} item={item} />
            ))}
          </ul>
        )}
        {offset > 0 || hasMore ? (
          <nav
            aria-label={t("common.pagination")}
            className="flex items-center justify-end gap-2 border-t border-line px-5 py-3"
          >
            <Button
              variant="secondary"
              size="sm"
              icon={<ChevronLeftIcon />}
              disabled={offset === 0 || feedback.isFetching}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              {t("common.previous")}
            </Button>
            <Button
              variant="secondary"
              size="sm"
              disabled={!hasMore || feedback.isFetching}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              {t("common.next")}
              <ChevronRightIcon />
            </Button>
          </nav>
        ) : null}
      </Card>
    </>
  );
}
