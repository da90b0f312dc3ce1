import { type Document, UpdateDocumentSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useUpdateDocument } from "./api";

/** "a, b ,, c" → ["a", "b", "c"]: tags are typed as one comma-separated line. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

function EditForm({ document, onDone }: { document: Document; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const update = useUpdateDocument();
  const errors = useFormErrors();
  const [title, setTitle] = useState(document.title);
  const [tags, setTags] = useState(document.tags.join(", "));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(UpdateDocumentSchema, { title, tags: parseTags(tags) }, t);
    if (!checked.ok) {
      // Issues about one tag ("tags.2") belong to the tags field.
      const fields = Object.fromEntries(
        Object.entries(checked.fields).map(([field, message]) => [field.split(".")[0] ?? field, message]),
      );
      return errors.setFields(fields);
    }
    errors.clear();
    update.mutate(
      { id: document.id, ...checked.data },
      {
        onSuccess: () => {
          toast.success(t("documents.edit.success"));
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <Field label={t("documents.edit.titleField")} error={errors.fields.title}>
          <Input
            autoFocus
            value={title}
            maxLength={300}
            onChange={(event) => setTitle(event.target.value)}
            data-testid="document-edit-title"
          />
        </Field>
        <Field label={t("documents.edit.tags")} error={errors.fields.tags} hint={t("documents.edit.tagsHint")}>
          <Input
            value={tags}
            placeholder={t("documents.edit.tagsPlaceholder")}
            onChange={(event) => setTags(event.target.value)}
            data-testid="document-edit-tags"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={update.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={update.isPending} data-testid="document-edit-submit">
          {t("common.save")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Renames a document and sets its tags (tenant admins). */
export function EditDocumentDialog({ document, onClose }: { document: Document | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={document !== null} onClose={onClose} title={t("documents.edit.title")} size="sm">
      {document ? <EditForm document={document} onDone={onClose} /> : null}
    </Dialog>
  );
}
