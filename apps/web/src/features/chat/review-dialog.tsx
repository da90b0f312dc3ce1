import { ReviewSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { CheckIcon } from "../../components/ui/icons";
import { Textarea } from "../../components/ui/textarea";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { useReviewMessage } from "./api";

/** Problem tags offered with a review; stored as these stable words, shown translated. */
export const REVIEW_TAGS = ["incorrect", "incomplete", "irrelevant", "harmful", "other"] as const;

function ReviewForm({ messageId, onDone }: { messageId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const review = useReviewMessage();
  const errors = useFormErrors();
  const [text, setText] = useState("");
  const [tags, setTags] = useState<string[]>([]);

  const toggle = (tag: string) =>
    setTags((current) => (current.includes(tag) ? current.filter((t) => t !== tag) : [...current, tag]));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(ReviewSchema, { text, tags }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    review.mutate(
      { messageId, ...checked.data },
      {
        onSuccess: () => {
          toast.success(t("chat.review.success"));
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-fg">{t("chat.review.tagsLabel")}</legend>
          <div className="flex flex-wrap gap-2">
            {REVIEW_TAGS.map((tag) => {
              const isOn = tags.includes(tag);
              return (
                <button
                  key={tag}
                  type="button"
                  aria-pressed={isOn}
                  data-testid={`review-tag-${tag}`}
                  onClick={() => toggle(tag)}
                  className={cn(
                    "inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm transition-colors [&_svg]:size-3.5",
                    isOn
                      ? "border-accent bg-accent-soft text-accent-text"
                      : "border-line-strong text-fg-muted hover:bg-subtle hover:text-fg",
                  )}
                >
                  {isOn ? <CheckIcon /> : null}
                  {t(`chat.review.tags.${tag}`)}
                </button>
              );
            })}
          </div>
        </fieldset>
        <Field label={t("chat.review.text")} error={errors.fields.text}>
          <Textarea
            autoFocus
            rows={5}
            value={text}
            placeholder={t("chat.review.placeholder")}
            onChange={(event) => setText(event.target.value)}
            data-testid="review-text"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={review.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={review.isPending} data-testid="review-submit">
          {t("chat.review.submit")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Lets the person say what was wrong with an answer: problem tags and a few words for the admins. */
export function ReviewDialog({ messageId, onClose }: { messageId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={messageId !== null}
      onClose={onClose}
      title={t("chat.review.title")}
      description={t("chat.review.description")}
    >
      {messageId ? <ReviewForm messageId={messageId} onDone={onClose} /> : null}
    </Dialog>
  );
}
