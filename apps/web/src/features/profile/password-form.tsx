import { UpdateMeSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "../../components/ui/card";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useUpdateMe } from "./api";

const CODE_FIELDS = { "auth.wrong_password": "currentPassword" } as const;
const EMPTY = { currentPassword: "", newPassword: "", confirmPassword: "" };

/** Changes the password; the current one is asked for again so a borrowed session can't change it. */
export function PasswordForm() {
  const { t } = useTranslation();
  const toast = useToast();
  const updateMe = useUpdateMe();
  const errors = useFormErrors(CODE_FIELDS);
  const [values, setValues] = useState(EMPTY);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = { currentPassword: values.currentPassword, newPassword: values.newPassword };
    const checked = validateWith(UpdateMeSchema, body, t);
    const fields = checked.ok ? {} : { ...checked.fields };
    if (!values.currentPassword) fields.currentPassword = t("validation.required");
    if (!fields.newPassword && values.newPassword !== values.confirmPassword) {
      fields.confirmPassword = t("profile.password.mismatch");
    }
    if (!checked.ok || Object.keys(fields).length > 0) return errors.setFields(fields);
    errors.clear();
    updateMe.mutate(checked.data, {
      onSuccess: () => {
        setValues(EMPTY);
        toast.success(t("profile.password.changed"));
      },
      onError: errors.fromError,
    });
  };

  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));

  return (
    <Card>
      <CardHeader title={t("profile.password.title")} description={t("profile.password.description")} />
      <form onSubmit={onSubmit} noValidate>
        <CardBody className="grid gap-5 sm:grid-cols-2">
          <Field
            label={t("fields.currentPassword")}
            error={errors.fields.currentPassword}
            className="sm:col-span-2 sm:max-w-[calc(50%-0.625rem)]"
          >
            <Input
              type="password"
              autoComplete="current-password"
              value={values.currentPassword}
              onChange={set("currentPassword")}
              data-testid="profile-current-password"
            />
          </Field>
          <Field label={t("fields.newPassword")} error={errors.fields.newPassword} hint={t("fields.passwordHint")}>
            <Input
              type="password"
              autoComplete="new-password"
              value={values.newPassword}
              onChange={set("newPassword")}
              data-testid="profile-new-password"
            />
          </Field>
          <Field label={t("fields.confirmPassword")} error={errors.fields.confirmPassword}>
            <Input
              type="password"
              autoComplete="new-password"
              value={values.confirmPassword}
              onChange={set("confirmPassword")}
              data-testid="profile-confirm-password"
            />
          </Field>
          {errors.form ? <Alert className="sm:col-span-2">{errors.form}</Alert> : null}
        </CardBody>
        <CardFooter>
          <Button type="submit" isPending={updateMe.isPending} data-testid="profile-password-submit">
            {t("profile.password.submit")}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
