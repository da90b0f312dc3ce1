import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { FullPageSpinner } from "../../components/ui/spinner";
import { describeError, useFormErrors } from "../../i18n/errors";
import { ApiError } from "../../lib/api-client";
import { authStore, SIGNED_OUT, useHasSession } from "../../lib/auth-store";
import { useSetupStatus } from "../setup/api";
import { useLogin } from "./api";
import { AuthShell } from "./auth-shell";

/** Where to go after signing in: the page the guard sent us from, if it was inside the app. */
function redirectTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") ? from : "/";
}

/** Sign-in page. Sends people to first-run setup while the instance has no owner yet. */
export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const setupStatus = useSetupStatus();
  const hasSession = useHasSession();
  const login = useLogin();
  const errors = useFormErrors();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const reason = hasSession ? null : authStore.sessionEndReason();
  const endReason = reason === SIGNED_OUT ? null : reason;

  if (setupStatus.isPending) return <FullPageSpinner />;
  if (setupStatus.data?.needsSetup) return <Navigate to="/setup" replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = t("validation.required");
    if (!password) fields.password = t("validation.required");
    if (Object.keys(fields).length > 0) return errors.setFields(fields);
    errors.clear();
    login.mutate(
      { email, password },
      {
        onSuccess: () => navigate(redirectTarget(location.state), { replace: true }),
        onError: errors.fromError,
      },
    );
  };

  return (
    <AuthShell title={t("auth.login.title")} description={t("auth.login.subtitle")}>
      {hasSession ? (
        <Alert
          tone="info"
          className="mb-5"
          action={
            <Link to="/" className="font-medium underline">
              {t("auth.login.continue")}
            </Link>
          }
        >
          {t("auth.login.alreadySignedIn")}
        </Alert>
      ) : null}
      {endReason && !errors.form ? (
        <Alert tone="warning" className="mb-5">
          {describeError(new ApiError({ status: 401, code: endReason, message: t("errors.auth.token_expired") }), t)}
        </Alert>
      ) : null}
      <form className="flex flex-col gap-5" onSubmit={onSubmit} noValidate>
        <Field label={t("fields.email")} error={errors.fields.email ?? errors.fields.username}>
          <Input
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            data-testid="login-email"
          />
        </Field>
        <Field label={t("fields.password")} error={errors.fields.password}>
          <Input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="login-password"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
        <Button type="submit" isPending={login.isPending} className="w-full" data-testid="login-submit">
          {login.isPending ? t("auth.login.submitting") : t("auth.login.submit")}
        </Button>
        <p className="text-center text-sm text-fg-subtle">{t("auth.login.forgotHint")}</p>
      </form>
    </AuthShell>
  );
}
