import {
  type Assistant,
  AssistantKindSchema,
  CreateAssistantSchema,
  type Pipeline,
  UpdateAssistantSchema,
} from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { Textarea } from "../../components/ui/textarea";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useProviders } from "../providers/api";
import { useCreateAssistant, useUpdateAssistant } from "./api";

const CODE_FIELDS = { "assistant.slug_taken": "slug" } as const;
const PIPELINE_STAGES = ["condenseQuestion", "retrieval", "citations"] as const;

interface Values {
  slug: string;
  kind: Assistant["kind"];
  name: string;
  description: string;
  providerId: string;
  model: string;
  temperature: string;
  isDefault: boolean;
  pipeline: Pipeline;
}

function initialValues(assistant: Assistant | null): Values {
  return {
    slug: assistant?.slug ?? "",
    kind: assistant?.kind ?? "general",
    name: assistant?.name ?? "",
    description: assistant?.description ?? "",
    providerId: assistant?.providerId ?? "",
    model: assistant?.model ?? "",
    temperature:
      assistant?.temperature === null || assistant?.temperature === undefined ? "" : String(assistant.temperature),
    isDefault: assistant?.isDefault ?? false,
    pipeline: assistant?.pipeline ?? {},
  };
}

function AssistantForm({ assistant, onDone }: { assistant: Assistant | null; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const providers = useProviders();
  const create = useCreateAssistant();
  const update = useUpdateAssistant();
  const errors = useFormErrors(CODE_FIELDS);
  const [values, setValues] = useState(() => initialValues(assistant));
  const isPending = create.isPending || update.isPending;
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((current) => ({ ...current, [key]: value }));

  // The environment's provider is the instance default already: choosing "default" covers it.
  const choosable = (providers.data ?? []).filter((provider) => !provider.fromEnv);
  const chosenProvider = choosable.find((provider) => provider.id === values.providerId);
  const modelListId = "assistant-models";

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const temperature = values.temperature.trim() === "" ? null : Number(values.temperature.replace(",", "."));
    if (temperature !== null && (Number.isNaN(temperature) || temperature < 0 || temperature > 2)) {
      return errors.setFields({ temperature: t("assistantsAdmin.fields.temperatureInvalid") });
    }
    const common = {
      name: values.name,
      description: values.description,
      providerId: values.providerId || null,
      model: values.model,
      temperature,
      isDefault: values.isDefault,
      pipeline: values.pipeline,
    };
    if (assistant) {
      const checked = validateWith(UpdateAssistantSchema, common, t);
      if (!checked.ok) return errors.setFields(checked.fields);
      errors.clear();
      update.mutate(
        { id: assistant.id, ...checked.data },
        {
          onSuccess: (saved) => {
            toast.success(t("assistantsAdmin.edit.success", { name: saved.name }));
            onDone();
          },
          onError: errors.fromError,
        },
      );
      return;
    }
    const checked = validateWith(CreateAssistantSchema, { ...common, slug: values.slug, kind: values.kind }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    create.mutate(checked.data, {
      onSuccess: (saved) => {
        toast.success(t("assistantsAdmin.create.success", { name: saved.name }));
        onDone();
      },
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-col">
      <DialogBody>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("assistantsAdmin.fields.name")} error={errors.fields.name}>
            <Input
              autoFocus
              value={values.name}
              onChange={(event) => set("name", event.target.value)}
              data-testid="assistant-name"
            />
          </Field>
          {assistant ? (
            <Field label={t("assistantsAdmin.fields.slug")} hint={t("assistantsAdmin.fields.slugFixed")}>
              <Input value={assistant.slug} disabled />
            </Field>
          ) : (
            <Field
              label={t("assistantsAdmin.fields.slug")}
              error={errors.fields.slug}
              hint={t("assistantsAdmin.fields.slugHint")}
            >
              <Input
                value={values.slug}
                autoCapitalize="none"
                spellCheck={false}
                placeholder="contracts"
                onChange={(event) => set("slug", event.target.value)}
                data-testid="assistant-slug"
              />
            </Field>
          )}
        </div>
        <Field
          label={t("assistantsAdmin.fields.kind")}
          error={errors.fields.kind}
          hint={assistant ? t("assistantsAdmin.fields.kindFixed") : t(`assistantsAdmin.kindHints.${values.kind}`)}
        >
          <Select
            value={values.kind}
            disabled={Boolean(assistant)}
            onChange={(event) => set("kind", event.target.value as Assistant["kind"])}
            data-testid="assistant-kind"
          >
            {AssistantKindSchema.options.map((kind) => (
              <option key={kind} value={kind}>
                {t(`chat.kinds.${kind}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label={t("assistantsAdmin.fields.description")}
          error={errors.fields.description}
          hint={t("assistantsAdmin.fields.descriptionHint")}
        >
          <Textarea
            rows={2}
            className="min-h-16"
            value={values.description}
            onChange={(event) => set("description", event.target.value)}
            data-testid="assistant-description"
          />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label={t("assistantsAdmin.fields.provider")}
            error={errors.fields.providerId}
            hint={providers.isError ? t("assistantsAdmin.fields.providersFailed") : undefined}
          >
            <Select
              value={values.providerId}
              onChange={(event) => set("providerId", event.target.value)}
              data-testid="assistant-provider"
            >
              <option value="">{t("assistantsAdmin.fields.providerDefault")}</option>
              {choosable.map((provider) => (
                <option key={provider.id} value={provider.id}>
                  {provider.name}
                  {provider.isEnabled ? "" : ` (${t("providers.status.disabled")})`}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label={t("assistantsAdmin.fields.model")}
            error={errors.fields.model}
            hint={t("assistantsAdmin.fields.modelHint")}
          >
            <Input
              value={values.model}
              list={chosenProvider?.models.length ? modelListId : undefined}
              spellCheck={false}
              placeholder={chosenProvider?.models[0]?.id ?? "gpt-4o-mini"}
              onChange={(event) => set("model", event.target.value)}
              data-testid="assistant-model"
            />
          </Field>
          {chosenProvider?.models.length ? (
            <datalist id={modelListId}>
              {chosenProvider.models.map((model) => (
                <option key={model.id} value={model.id} />
              ))}
            </datalist>
          ) : null}
        </div>
        <Field
          label={t("assistantsAdmin.fields.temperature")}
          error={errors.fields.temperature}
          hint={t("assistantsAdmin.fields.temperatureHint")}
        >
          <Input
            inputMode="decimal"
            className="max-w-32"
            value={values.temperature}
            placeholder="0.2"
            onChange={(event) => set("temperature", event.target.value)}
            data-testid="assistant-temperature"
          />
        </Field>
        {values.kind === "documents" ? (
          <fieldset className="flex flex-col gap-3 rounded-lg border border-dashed border-line-strong p-4">
            <legend className="px-1 text-sm font-medium text-fg">{t("assistantsAdmin.fields.pipeline")}</legend>
            {PIPELINE_STAGES.map((stage) => (
              <Checkbox
                key={stage}
                label={t(`assistantsAdmin.pipeline.${stage}`)}
                description={t(`assistantsAdmin.pipelineHints.${stage}`)}
                checked={values.pipeline[stage] ?? false}
                onChange={(event) => set("pipeline", { ...values.pipeline, [stage]: event.target.checked })}
              />
            ))}
          </fieldset>
        ) : null}
        <Checkbox
          label={t("assistantsAdmin.fields.isDefault")}
          description={t("assistantsAdmin.fields.isDefaultHint")}
          checked={values.isDefault}
          onChange={(event) => set("isDefault", event.target.checked)}
          data-testid="assistant-default"
        />
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={isPending} data-testid="assistant-submit">
          {assistant ? t("common.save") : t("assistantsAdmin.create.submit")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Creates an assistant (`assistant` null) or edits one; slug and kind are fixed once created. */
export function AssistantDialog({
  open,
  assistant,
  onClose,
}: {
  open: boolean;
  assistant: Assistant | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={assistant ? t("assistantsAdmin.edit.title", { name: assistant.name }) : t("assistantsAdmin.create.title")}
      description={assistant ? undefined : t("assistantsAdmin.create.description")}
    >
      <AssistantForm assistant={assistant} onDone={onClose} />
    </Dialog>
  );
}
