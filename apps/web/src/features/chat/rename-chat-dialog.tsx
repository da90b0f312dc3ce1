import { type Chat, UpdateChatSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useRenameChat } from "./api";

function RenameForm({ chat, onDone }: { chat: Chat; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const rename = useRenameChat();
  const errors = useFormErrors();
  const [title, setTitle] = useState(chat.title);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(UpdateChatSchema, { title }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    if (checked.data.title === chat.title) return onDone();
    errors.clear();
    rename.mutate(
      { id: chat.id, title: checked.data.title },
      {
        onSuccess: () => {
          toast.success(t("chat.rename.success"));
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <Field label={t("chat.rename.field")} error={errors.fields.title}>
          <Input
            autoFocus
            value={title}
            maxLength={200}
            onChange={(event) => setTitle(event.target.value)}
            data-testid="chat-rename-title"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={rename.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={rename.isPending} data-testid="chat-rename-submit">
          {t("common.save")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Gives a chat a title of the person's choosing. */
export function RenameChatDialog({ chat, onClose }: { chat: Chat | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={chat !== null} onClose={onClose} title={t("chat.rename.title")} size="sm">
      {chat ? <RenameForm chat={chat} onDone={onClose} /> : null}
    </Dialog>
  );
}
