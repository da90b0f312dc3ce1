import { type ApiKey, CreateApiKeySchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { CheckIcon, CopyIcon, KeyIcon, PlusIcon, TrashIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { useToast } from "../../components/ui/toast";
import { describeError, useFormErrors, validateWith } from "../../i18n/errors";
import { formatDate, formatDateTime } from "../../lib/format";
import { useActiveTenant } from "../layout/active-tenant";
import { type CreatedApiKey, useApiKeys, useCreateApiKey, useRevokeApiKey } from "./api";

const CODE_FIELDS = { "tenant.not_member": "tenantId", "tenant.not_found": "tenantId" } as const;

/** The new key, shown once with a copy button: after this, only its prefix is ever shown. */
function NewKeySecret({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const { t } = useTranslation();
  const [isCopied, setIsCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setIsCopied(true);
      window.setTimeout(() => setIsCopied(false), 2000);
    } catch {
      // Clipboard blocked (insecure origin, permissions): the key stays selectable by hand.
    }
  };

  return (
    <div className="rounded-lg border border-accent/40 bg-accent-soft p-4" role="status">
      <p className="text-sm font-semibold text-fg">{t("profile.apiKeys.created.title", { name: created.name })}</p>
      <p className="mt-1 text-sm text-fg-muted">{t("profile.apiKeys.created.warning")}</p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
        <code
          data-testid="apikey-secret"
          className="block min-w-0 flex-1 rounded-md border border-line bg-surface px-3 py-2 font-mono text-sm break-all text-fg select-all"
        >
          {created.key}
        </code>
        <Button
          variant="secondary"
          icon={isCopied ? <CheckIcon /> : <CopyIcon />}
          onClick={() => void copy()}
          data-testid="apikey-copy"
        >
          {isCopied ? t("common.copied") : t("common.copy")}
        </Button>
      </div>
      <div className="mt-3 flex justify-end">
        <Button variant="ghost" size="sm" onClick={onDismiss}>
          {t("profile.apiKeys.created.done")}
        </Button>
      </div>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const { t } = useTranslation();
  const { active, memberships } = useActiveTenant();
  const createKey = useCreateApiKey();
  const errors = useFormErrors(CODE_FIELDS);
  const [name, setName] = useState("");
  const [tenantId, setTenantId] = useState(active?.tenantId ?? "");

  if (memberships.length === 0) {
    return <Alert tone="info">{t("profile.apiKeys.noTenant")}</Alert>;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(CreateApiKeySchema, { name, tenantId }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    createKey.mutate(checked.data, {
      onSuccess: (created) => {
        setName("");
        onCreated(created);
      },
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
      <div className="grid gap-4 md:grid-cols-[1fr_1fr_auto] md:items-start">
        <Field
          label={t("profile.apiKeys.fields.name")}
          error={errors.fields.name}
          hint={t("profile.apiKeys.fields.nameHint")}
        >
          <Input
            value={name}
            autoComplete="off"
            placeholder={t("profile.apiKeys.fields.namePlaceholder")}
            onChange={(event) => setName(event.target.value)}
            data-testid="apikey-name"
          />
        </Field>
        <Field
          label={t("profile.apiKeys.fields.tenant")}
          error={errors.fields.tenantId}
          hint={t("profile.apiKeys.fields.tenantHint")}
        >
          <Select value={tenantId} onChange={(event) => setTenantId(event.target.value)} data-testid="apikey-tenant">
            {memberships.map((membership) => (
              <option key={membership.tenantId} value={membership.tenantId}>
                {membership.tenantName}
              </option>
            ))}
          </Select>
        </Field>
        <Button
          type="submit"
          icon={<PlusIcon />}
          isPending={createKey.isPending}
          className="md:mt-7"
          data-testid="apikey-create-submit"
        >
          {t("profile.apiKeys.create")}
        </Button>
      </div>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
    </form>
  );
}

function KeysTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Table>
      <THead>
        <tr>
          <TH>{t("profile.apiKeys.fields.name")}</TH>
          <TH>{t("profile.apiKeys.fields.tenant")}</TH>
          <TH className="hidden sm:table-cell">{t("profile.apiKeys.columns.key")}</TH>
          <TH className="hidden md:table-cell">{t("profile.apiKeys.columns.created")}</TH>
          <TH className="hidden md:table-cell">{t("profile.apiKeys.columns.lastUsed")}</TH>
          <TH>
            <span className="sr-only">{t("common.actions")}</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {keys.map((key) => (
          <TR key={key.id} data-testid="apikey-row">
            <TD className="font-medium">{key.name}</TD>
            <TD>
              <Badge>{key.tenantName}</Badge>
            </TD>
            <TD className="hidden font-mono text-xs text-fg-muted sm:table-cell">{key.prefix}…</TD>
            <TD className="hidden whitespace-nowrap text-fg-muted md:table-cell">
              {formatDate(key.createdAt, i18n.language)}
            </TD>
            <TD className="hidden whitespace-nowrap text-fg-muted md:table-cell">
              {key.lastUsedAt ? formatDateTime(key.lastUsedAt, i18n.language) : t("profile.apiKeys.neverUsed")}
            </TD>
            <TD className="text-right">
              <Button variant="ghost" size="sm" icon={<TrashIcon />} onClick={() => onRevoke(key)}>
                {t("profile.apiKeys.revoke.action")}
                <span className="sr-only">{key.name}</span>
              </Button>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

/** API keys: create one for a department (secret shown once), list them, revoke them. */
export function ApiKeysCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const keys = useApiKeys();
  const revokeKey = useRevokeApiKey();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const closeRevoke = () => {
    revokeKey.reset();
    setRevoking(null);
  };

  return (
    <Card>
      <CardHeader title={t("profile.apiKeys.title")} description={t("profile.apiKeys.description")} />
      <CardBody className="flex flex-col gap-5">
        {created ? <NewKeySecret created={created} onDismiss={() => setCreated(null)} /> : null}
        <CreateKeyForm onCreated={setCreated} />
      </CardBody>
      <div className="border-t border-line">
        {keys.isPending ? (
          <LoadingBlock />
        ) : keys.isError ? (
          <div className="p-5">
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void keys.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(keys.error, t)}
            </Alert>
          </div>
        ) : keys.data.length === 0 ? (
          <EmptyState
            icon={<KeyIcon />}
            title={t("profile.apiKeys.empty.title")}
            description={t("profile.apiKeys.empty.description")}
          />
        ) : (
          <KeysTable keys={keys.data} onRevoke={setRevoking} />
        )}
      </div>
      <ConfirmDialog
        open={revoking !== null}
        onClose={closeRevoke}
        title={t("profile.apiKeys.revoke.title", { name: revoking?.name ?? "" })}
        description={t("profile.apiKeys.revoke.description")}
        confirmLabel={t("profile.apiKeys.revoke.action")}
        isPending={revokeKey.isPending}
        error={revokeKey.error ? describeError(revokeKey.error, t) : undefined}
        confirmTestId="apikey-revoke-confirm"
        onConfirm={() => {
          if (!revoking) return;
          const name = revoking.name;
          revokeKey.mutate(revoking.id, {
            onSuccess: () => {
              toast.success(t("profile.apiKeys.revoke.success", { name }));
              if (created?.id === revoking.id) setCreated(null);
              closeRevoke();
            },
          });
        }}
      />
    </Card>
  );
}
