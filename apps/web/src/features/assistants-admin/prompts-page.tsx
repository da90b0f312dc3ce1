import type { Prompt, PromptStage } from "@atrium/contracts";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { Checkbox } from "../../components/ui/checkbox";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { FileTextIcon, HistoryIcon, PencilIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { PageHeader } from "../../components/ui/page-header";
import { SegmentedControl } from "../../components/ui/segmented-control";
import { Select } from "../../components/ui/select";
import { LoadingBlock } from "../../components/ui/spinner";
import { Textarea } from "../../components/ui/textarea";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { formatDateTime } from "../../lib/format";
import { useActiveTenant } from "../layout/active-tenant";
import {
  PROMPT_STAGES,
  useActivatePrompt,
  useAdminAssistant,
  useCreatePromptVersion,
  usePrompts,
  useTenantAssistants,
} from "./api";
import { PromptDiff } from "./prompt-diff";

/** Placeholders the server fills in a template, per stage. */
const PLACEHOLDERS: Record<PromptStage, string[]> = {
  system: ["tenant", "date"],
  condense: ["tenant", "date"],
  answer: ["tenant", "date", "question", "context"],
};

/** Value of the diff's "to" select standing for the text in the editor. */
const DRAFT = "draft";

type Scope = "instance" | "tenant";

function VersionList({
  versions,
  assistantId,
  onEditFrom,
}: {
  versions: Prompt[];
  assistantId: string;
  onEditFrom: (prompt: Prompt) => void;
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const activate = useActivatePrompt(assistantId);
  return (
    <ul className="divide-y divide-line">
      {versions.map((prompt) => (
        <li key={prompt.id} className="flex flex-col gap-2 px-5 py-3" data-testid="prompt-version">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-sm font-semibold text-fg">
              {t("prompts.versions.version", { version: prompt.version })}
            </span>
            {prompt.isActive ? <Badge tone="success">{t("prompts.versions.active")}</Badge> : null}
            <span className="ml-auto text-xs text-fg-subtle">{formatDateTime(prompt.createdAt, i18n.language)}</span>
          </div>
          <p className={cn("text-sm", prompt.note ? "text-fg-muted" : "text-fg-subtle italic")}>
            {prompt.note || t("prompts.versions.noNote")}
          </p>
          <div className="flex flex-wrap gap-1">
            <Button variant="ghost" size="sm" icon={<PencilIcon />} onClick={() => onEditFrom(prompt)}>
              {t("prompts.versions.editFrom")}
            </Button>
            {prompt.isActive ? null : (
              <Button
                variant="secondary"
                size="sm"
                icon={<HistoryIcon />}
                isPending={activate.isPending && activate.variables === prompt.id}
                disabled={activate.isPending}
                onClick={() =>
                  activate.mutate(prompt.id, {
                    onSuccess: () => toast.success(t("prompts.versions.restored", { version: prompt.version })),
                    onError: (error) => toast.error(describeError(error, t)),
                  })
                }
                data-testid="prompt-restore"
              >
                {t("prompts.versions.restore")}
              </Button>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Editor({
  assistantId,
  stage,
  tenantId,
  base,
  draft,
  onDraftChange,
}: {
  assistantId: string;
  stage: PromptStage;
  tenantId: string | undefined;
  /** The version the draft started from (to tell whether anything changed). */
  base: Prompt | undefined;
  draft: string;
  onDraftChange: (text: string) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const create = useCreatePromptVersion(assistantId);
  const [note, setNote] = useState("");
  const [activate, setActivate] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const isUnchanged = draft === (base?.template ?? "");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft.trim()) return setError(t("prompts.editor.empty"));
    setError(undefined);
    create.mutate(
      { stage, template: draft, note: note.trim(), tenantId, activate },
      {
        onSuccess: (saved) => {
          toast.success(
            activate
              ? t("prompts.editor.savedActive", { version: saved.version })
              : t("prompts.editor.saved", { version: saved.version }),
          );
          setNote("");
        },
        onError: (failure) => setError(describeError(failure, t)),
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <Field
        label={t("prompts.editor.template")}
        hint={
          <span className="flex flex-wrap items-center gap-1.5">
            {t("prompts.editor.placeholders")}
            {PLACEHOLDERS[stage].map((name) => (
              <code key={name} className="rounded bg-subtle px-1 py-0.5 font-mono text-xs text-fg">
                {`{{${name}}}`}
              </code>
            ))}
          </span>
        }
      >
        <Textarea
          rows={12}
          spellCheck={false}
          className="font-mono text-xs leading-5"
          value={draft}
          onChange={(event) => onDraftChange(event.target.value)}
          data-testid="prompt-template"
        />
      </Field>
      <Field label={t("prompts.editor.note")}>
        <Input
          value={note}
          maxLength={200}
          placeholder={t("prompts.editor.notePlaceholder")}
          onChange={(event) => setNote(event.target.value)}
          data-testid="prompt-note"
        />
      </Field>
      <Checkbox
        label={t("prompts.editor.activate")}
        description={t("prompts.editor.activateHint")}
        checked={activate}
        onChange={(event) => setActivate(event.target.checked)}
      />
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex flex-wrap items-center justify-end gap-3">
        {isUnchanged ? <span className="text-sm text-fg-subtle">{t("prompts.editor.unchanged")}</span> : null}
        {!isUnchanged && base ? (
          <Button variant="ghost" onClick={() => onDraftChange(base.template)}>
            {t("prompts.editor.discard")}
          </Button>
        ) : null}
        <Button type="submit" isPending={create.isPending} disabled={isUnchanged} data-testid="prompt-save">
          {t("prompts.editor.submit")}
        </Button>
      </div>
    </form>
  );
}

function Compare({ versions, draft }: { versions: Prompt[]; draft: string }) {
  const { t } = useTranslation();
  const newest = versions[0];
  const [fromId, setFromId] = useState(versions[1]?.id ?? newest?.id ?? "");
  const [toId, setToId] = useState(newest?.id ?? DRAFT);
  const hasDraft = draft !== (versions.find((prompt) => prompt.isActive) ?? newest)?.template;
  const text = (id: string) => (id === DRAFT ? draft : (versions.find((prompt) => prompt.id === id)?.template ?? ""));

  if (versions.length === 0) return <p className="text-sm text-fg-muted">{t("prompts.diff.needVersions")}</p>;
  const options = versions.map((prompt) => (
    <option key={prompt.id} value={prompt.id}>
      {t("prompts.versions.version", { version: prompt.version })}
      {prompt.isActive ? ` · ${t("prompts.versions.active")}` : ""}
    </option>
  ));
  return (
    <div className="flex flex-col gap-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("prompts.diff.from")}>
          <Select value={fromId} onChange={(event) => setFromId(event.target.value)} data-testid="prompt-diff-from">
            {options}
          </Select>
        </Field>
        <Field label={t("prompts.diff.to")}>
          <Select value={toId} onChange={(event) => setToId(event.target.value)} data-testid="prompt-diff-to">
            {options}
            {hasDraft || toId === DRAFT ? <option value={DRAFT}>{t("prompts.diff.draft")}</option> : null}
          </Select>
        </Field>
      </div>
      <PromptDiff before={text(fromId)} after={text(toId)} />
    </div>
  );
}

/** Versions, editor and comparison of one stage in one scope; remounted when either changes. */
function StagePrompts({
  assistantId,
  stage,
  tenantId,
  versions,
}: {
  assistantId: string;
  stage: PromptStage;
  tenantId: string | undefined;
  versions: Prompt[];
}) {
  const { t } = useTranslation();
  const active = versions.find((prompt) => prompt.isActive) ?? versions[0];
  const [base, setBase] = useState<Prompt | undefined>(active);
  const [draft, setDraft] = useState(active?.template ?? "");

  // A version was saved or restored: start from the new active one unless something is being edited.
  const activeId = active?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the active version only
  useEffect(() => {
    if (draft === (base?.template ?? "")) {
      setBase(active);
      setDraft(active?.template ?? "");
    }
  }, [activeId]);

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <Card className="self-start">
        <CardHeader title={t("prompts.versions.title")} description={t(`prompts.stageHints.${stage}`)} />
        {versions.length === 0 ? (
          <EmptyState
            icon={<FileTextIcon />}
            title={t("prompts.versions.empty.title")}
            description={
              tenantId ? t("prompts.versions.empty.tenantDescription") : t("prompts.versions.empty.description")
            }
          />
        ) : (
          <VersionList
            versions={versions}
            assistantId={assistantId}
            onEditFrom={(prompt) => {
              setBase(prompt);
              setDraft(prompt.template);
            }}
          />
        )}
      </Card>
      <div className="flex min-w-0 flex-col gap-6">
        <Card>
          <CardHeader
            title={t("prompts.editor.title")}
            description={
              base ? t("prompts.editor.startedFrom", { version: base.version }) : t("prompts.editor.startedEmpty")
            }
          />
          <CardBody>
            <Editor
              assistantId={assistantId}
              stage={stage}
              tenantId={tenantId}
              base={base}
              draft={draft}
              onDraftChange={setDraft}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={t("prompts.diff.title")} description={t("prompts.diff.description")} />
          <CardBody>
            <Compare key={versions.map((prompt) => prompt.id).join(",")} versions={versions} draft={draft} />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}

/**
 * Prompts of one assistant, per stage: every saved version (restore any of them), an editor saving
 * a new version, and a line diff between any two versions or the unsaved draft. Instance admins
 * edit the prompts of all departments or the active department's override; department admins
 * (under /tenants/:tenantId) edit their department's override only.
 */
export function PromptsPage() {
  const { t } = useTranslation();
  const params = useParams();
  const assistantId = params.assistantId ?? "";
  const routeTenantId = params.tenantId;
  const { active, memberships } = useActiveTenant();
  const [scope, setScope] = useState<Scope>(routeTenantId ? "tenant" : "instance");
  const [stage, setStage] = useState<PromptStage>("system");
  const tenantId = routeTenantId ?? (scope === "tenant" ? active?.tenantId : undefined);
  const tenantName = routeTenantId
    ? memberships.find((membership) => membership.tenantId === routeTenantId)?.tenantName
    : active?.tenantName;

  const adminAssistant = useAdminAssistant(assistantId, { enabled: !routeTenantId });
  const tenantAssistants = useTenantAssistants(routeTenantId ?? "", { enabled: Boolean(routeTenantId) });
  const assistantName = routeTenantId
    ? tenantAssistants.data?.find((assistant) => assistant.id === assistantId)?.name
    : adminAssistant.data?.name;
  const prompts = usePrompts(assistantId, tenantId);
  const versions = (prompts.data ?? []).filter((prompt) => prompt.stage === stage);
  const backTo = routeTenantId ? `/tenants/${routeTenantId}/assistants` : "/admin/assistants";

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={backTo} className="hover:text-fg hover:underline">
            {routeTenantId ? t("assistantsAdmin.tenant.title") : t("assistantsAdmin.title")}
          </Link>
        }
        title={assistantName ? t("prompts.title", { name: assistantName }) : t("prompts.titleFallback")}
        description={t("prompts.description")}
      />

      <div className="mb-6 flex flex-col gap-4">
        <div className="flex flex-wrap items-center gap-3">
          <SegmentedControl<PromptStage>
            label={t("prompts.stage")}
            value={stage}
            onChange={setStage}
            testIdPrefix="prompt-stage"
            options={PROMPT_STAGES.map((value) => ({ value, label: t(`prompts.stages.${value}`) }))}
          />
          {!routeTenantId && active ? (
            <SegmentedControl<Scope>
              label={t("prompts.scope.label")}
              value={scope}
              onChange={setScope}
              testIdPrefix="prompt-scope"
              options={[
                { value: "instance", label: t("prompts.scope.instance") },
                { value: "tenant", label: t("prompts.scope.tenant", { tenant: tenantName ?? "" }) },
              ]}
            />
          ) : null}
        </div>
        {tenantId ? (
          <Alert tone="info">
            {t("prompts.scope.tenantHint", {
              tenant: tenantName ?? t("prompts.scope.thisTenant"),
            })}
          </Alert>
        ) : null}
      </div>

      {prompts.isPending ? (
        <LoadingBlock />
      ) : prompts.isError ? (
        <Alert
          title={t("errors.loadFailed")}
          action={
            <Button size="sm" variant="secondary" onClick={() => void prompts.refetch()}>
              {t("common.retry")}
            </Button>
          }
        >
          {describeError(prompts.error, t)}
        </Alert>
      ) : (
        <StagePrompts
          key={`${stage}:${tenantId ?? "instance"}`}
          assistantId={assistantId}
          stage={stage}
          tenantId={tenantId}
          versions={versions}
        />
      )}
    </>
  );
}
