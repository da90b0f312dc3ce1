import { SetupRequestSchema } from "@atrium/contracts";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { FullPageSpinner } from "../../components/ui/spinner";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useHasSession } from "../../lib/auth-store";
import { AuthShell } from "../auth/auth-shell";
import { useSetup, useSetupStatus } from "./api";

/** Errors about one field, shown beside it instead of above the button. */
const CODE_FIELDS = { "user.email_taken": "email" } as const;

/**
 * First-run page: creates the instance owner, then opens the app signed in as them. Someone
 * already signed in has nothing to set up and goes home.
 */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const status = useSetupStatus();
  const setup = useSetup();
  const errors = useFormErrors(CODE_FIELDS);
  const [values, setValues] = useState({ name: "", email: "", password: "" });
  const hasSession = useHasSession();

  if (hasSession) return <Navigate to="/" replace />;
  if (status.isPending) return <FullPageSpinner />;
  if (status.data && !status.data.needsSetup && !setup.isSuccess) return <Navigate to="/login" replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(SetupRequestSchema, values, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    setup.mutate(checked.data, {
      onSuccess: () => navigate("/", { replace: true }),
      onError: errors.fromError,
    });
  };

  const set = (key: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));

  return (
    <AuthShell title={t("setup.title")} description={t("setup.subtitle")}>
      {status.isError ? (
        <Alert className="mb-5" tone="warning">
          {t("setup.statusUnknown")}
        </Alert>
      ) : null}
      <form className="flex flex-col gap-5" onSubmit={onSubmit} noValidate>
        <Field label={t("fields.name")} error={errors.fields.name}>
          <Input
            name="name"
            autoComplete="name"
            autoFocus
            value={values.name}
            onChange={set("name")}
            data-testid="setup-name"
          />
        </Field>
        <Field label={t("fields.email")} error={errors.fields.email}>
          <Input
            type="email"
            name="email"
            autoComplete="email"
            value={values.email}
            onChange={set("email")}
            data-testid="setup-email"
          />
        </Field>
        <Field label={t("fields.password")} error={errors.fields.password} hint={t("fields.passwordHint")}>
          <Input
            type="password"
            name="password"
            autoComplete="new-password"
            value={values.password}
            onChange={set("password")}
            data-testid="setup-password"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
        <Button type="submit" isPending={setup.isPending} className="w-full" data-testid="setup-submit">
          {setup.isPending ? t("setup.submitting") : t("setup.submit")}
        </Button>
        <p className="text-center text-sm text-fg-subtle">{t("setup.ownerHint")}</p>
      </form>
    </AuthShell>
  );
}
