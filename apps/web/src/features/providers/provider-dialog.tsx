import { CreateProviderSchema, type Provider, ProviderKindSchema, UpdateProviderSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { KeyIcon, PlusIcon, TrashIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { type UpdateProviderRequest, useCreateProvider, useUpdateProvider } from "./api";

type Kind = Provider["kind"];

/** A model row as typed: numbers stay text until the form is sent. */
interface ModelRow {
  key: number;
  id: string;
  contextWindow: string;
  inputPer1M: string;
  outputPer1M: string;
}

let rowKey = 0;
const blankRow = (): ModelRow => ({ key: ++rowKey, id: "", contextWindow: "", inputPer1M: "", outputPer1M: "" });

function rowsOf(provider: Provider | null): ModelRow[] {
  if (!provider || provider.models.length === 0) return [blankRow()];
  return provider.models.map((model) => ({
    key: ++rowKey,
    id: model.id,
    contextWindow: model.contextWindow?.toString() ?? "",
    inputPer1M: model.inputPer1M?.toString() ?? "",
    outputPer1M: model.outputPer1M?.toString() ?? "",
  }));
}

const toNumber = (text: string) => (text.trim() === "" ? undefined : Number(text.trim().replace(",", ".")));

function ProviderForm({ provider, onDone }: { provider: Provider | null; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const create = useCreateProvider();
  const update = useUpdateProvider();
  const errors = useFormErrors();
  const [name, setName] = useState(provider?.name ?? "");
  const [kind, setKind] = useState<Kind>(provider?.kind ?? "openai");
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? "");
  const [apiKey, setApiKey] = useState("");
  const [isRemovingKey, setIsRemovingKey] = useState(false);
  const [isEnabled, setIsEnabled] = useState(provider?.isEnabled ?? true);
  const [models, setModels] = useState<ModelRow[]>(() => rowsOf(provider));
  const isPending = create.isPending || update.isPending;

  const setModel = (key: number, change: Partial<ModelRow>) =>
    setModels((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typedModels = models
      .filter((row) => row.id.trim())
      .map((row) => {
        const contextWindow = toNumber(row.contextWindow);
        const inputPer1M = toNumber(row.inputPer1M);
        const outputPer1M = toNumber(row.outputPer1M);
        return {
          id: row.id.trim(),
          ...(contextWindow === undefined ? {} : { contextWindow }),
          ...(inputPer1M === undefined ? {} : { inputPer1M }),
          ...(outputPer1M === undefined ? {} : { outputPer1M }),
        };
      });
    if (typedModels.some((model) => Object.values(model).some((value) => Number.isNaN(value)))) {
      return errors.setFields({ models: t("providers.fields.modelsInvalid") });
    }
    const body = { name, kind, baseUrl: baseUrl.trim() || null, models: typedModels, isEnabled };
    const onError = errors.fromError;
    if (provider) {
      // The key is write-only: absent keeps the stored one, "" removes it.
      const changes: UpdateProviderRequest = { ...body };
      if (apiKey.trim()) changes.apiKey = apiKey.trim();
      else if (isRemovingKey) changes.apiKey = "";
      const checked = validateWith(UpdateProviderSchema, changes, t);
      if (!checked.ok) return errors.setFields(checked.fields);
      errors.clear();
      update.mutate(
        { id: provider.id, ...checked.data },
        {
          onSuccess: (saved) => {
            toast.success(t("providers.edit.success", { name: saved.name }));
            onDone();
          },
          onError,
        },
      );
      return;
    }
    const checked = validateWith(CreateProviderSchema, { ...body, apiKey: apiKey.trim() || null }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    create.mutate(checked.data, {
      onSuccess: (saved) => {
        toast.success(t("providers.create.success", { name: saved.name }));
        onDone();
      },
      onError,
    });
  };

  const modelsError =
    errors.fields.models ?? Object.entries(errors.fields).find(([key]) => key.startsWith("models."))?.[1];

  return (
    <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-col">
      <DialogBody>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("providers.fields.name")} error={errors.fields.name}>
            <Input
              autoFocus
              value={name}
              placeholder={t("providers.fields.namePlaceholder")}
              onChange={(event) => setName(event.target.value)}
              data-testid="provider-name"
            />
          </Field>
          <Field label={t("providers.fields.kind")} error={errors.fields.kind}>
            <Select value={kind} onChange={(event) => setKind(event.target.value as Kind)} data-testid="provider-kind">
              {ProviderKindSchema.options.map((option) => (
                <option key={option} value={option}>
                  {t(`providers.kinds.${option}`)}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field
          label={kind === "local-gguf" ? t("providers.fields.modelPath") : t("providers.fields.baseUrl")}
          error={errors.fields.baseUrl}
          hint={t(`providers.baseUrlHints.${kind}`)}
        >
          <Input
            value={baseUrl}
            spellCheck={false}
            autoCapitalize="none"
            placeholder={kind === "anthropic" ? "https://api.anthropic.com" : "https://api.openai.com/v1"}
            onChange={(event) => setBaseUrl(event.target.value)}
            data-testid="provider-base-url"
          />
        </Field>
        {kind === "local-gguf" ? null : (
          <Field
            label={
              <span className="inline-flex items-center gap-2">
                {t("providers.fields.apiKey")}
                {provider?.hasApiKey && !isRemovingKey ? (
                  <Badge tone="success">
                    <KeyIcon className="mr-1 size-3" />
                    {t("providers.keyStored")}
                  </Badge>
                ) : null}
              </span>
            }
            error={errors.fields.apiKey}
            hint={provider?.hasApiKey ? t("providers.fields.apiKeyKeepHint") : t("providers.fields.apiKeyHint")}
          >
            <Input
              type="password"
              autoComplete="new-password"
              value={apiKey}
              disabled={isRemovingKey}
              placeholder={provider?.hasApiKey ? "••••••••••••" : "sk-…"}
              onChange={(event) => setApiKey(event.target.value)}
              data-testid="provider-api-key"
            />
          </Field>
        )}
        {provider?.hasApiKey && kind !== "local-gguf" ? (
          <Checkbox
            label={t("providers.fields.removeKey")}
            checked={isRemovingKey}
            onChange={(event) => {
              setIsRemovingKey(event.target.checked);
              if (event.target.checked) setApiKey("");
            }}
          />
        ) : null}

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium text-fg">{t("providers.fields.models")}</legend>
          <p className="text-sm text-fg-subtle">{t("providers.fields.modelsHint")}</p>
          <div className="hidden grid-cols-[2fr_1fr_1fr_1fr_auto] gap-2 text-xs font-medium text-fg-subtle sm:grid">
            <span>{t("providers.fields.modelId")}</span>
            <span>{t("providers.fields.contextWindow")}</span>
            <span>{t("providers.fields.inputPrice")}</span>
            <span>{t("providers.fields.outputPrice")}</span>
            <span className="w-8" />
          </div>
          {models.map((row, index) => (
            <div
              key={row.key}
              className="grid grid-cols-2 gap-2 rounded-lg border border-line p-2 sm:grid-cols-[2fr_1fr_1fr_1fr_auto] sm:border-0 sm:p-0"
              data-testid="provider-model-row"
            >
              <Input
                aria-label={t("providers.fields.modelId")}
                className="col-span-2 h-9 sm:col-span-1"
                spellCheck={false}
                placeholder="gpt-4o-mini"
                value={row.id}
                onChange={(event) => setModel(row.key, { id: event.target.value })}
                data-testid={`provider-model-id-${index}`}
              />
              <Input
                aria-label={t("providers.fields.contextWindow")}
                className="h-9"
                inputMode="numeric"
                placeholder="128000"
                value={row.contextWindow}
                onChange={(event) => setModel(row.key, { contextWindow: event.target.value })}
              />
              <Input
                aria-label={t("providers.fields.inputPrice")}
                className="h-9"
                inputMode="decimal"
                placeholder="0.15"
                value={row.inputPer1M}
                onChange={(event) => setModel(row.key, { inputPer1M: event.target.value })}
              />
              <Input
                aria-label={t("providers.fields.outputPrice")}
                className="h-9"
                inputMode="decimal"
                placeholder="0.60"
                value={row.outputPer1M}
                onChange={(event) => setModel(row.key, { outputPer1M: event.target.value })}
              />
              <Button
                variant="ghost"
                size="sm"
                className="h-9 justify-self-end"
                icon={<TrashIcon />}
                onClick={() =>
                  setModels((rows) => (rows.length > 1 ? rows.filter((r) => r.key !== row.key) : [blankRow()]))
                }
              >
                <span className="sr-only">{t("providers.fields.removeModel")}</span>
              </Button>
            </div>
          ))}
          {modelsError ? <p className="text-sm text-danger-text">{modelsError}</p> : null}
          <div>
            <Button
              variant="secondary"
              size="sm"
              icon={<PlusIcon />}
              onClick={() => setModels((rows) => [...rows, blankRow()])}
            >
              {t("providers.fields.addModel")}
            </Button>
          </div>
        </fieldset>

        <Checkbox
          label={t("providers.fields.enabled")}
          description={t("providers.fields.enabledHint")}
          checked={isEnabled}
          onChange={(event) => setIsEnabled(event.target.checked)}
          data-testid="provider-enabled"
        />
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={isPending} data-testid="provider-submit">
          {provider ? t("common.save") : t("providers.create.submit")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Adds a model provider (`provider` null) or edits one; its API key can be replaced, never read. */
export function ProviderDialog({
  open,
  provider,
  onClose,
}: {
  open: boolean;
  provider: Provider | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={provider ? t("providers.edit.title", { name: provider.name }) : t("providers.create.title")}
      description={provider ? undefined : t("providers.create.description")}
    >
      <ProviderForm provider={provider} onDone={onClose} />
    </Dialog>
  );
}
