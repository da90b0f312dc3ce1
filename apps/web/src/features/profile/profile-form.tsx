import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "../../components/ui/card";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { useToast } from "../../components/ui/toast";
import { LANGUAGES, type Locale, setLocale } from "../../i18n";
import { useFormErrors } from "../../i18n/errors";
import { useCurrentUser } from "../auth/use-current-user";
import { RoleBadge } from "../users/role-badge";
import { useUpdateMe } from "./api";

/** The person's name and interface language, saved to their account. */
export function ProfileForm() {
  const { t } = useTranslation();
  const toast = useToast();
  const me = useCurrentUser();
  const updateMe = useUpdateMe();
  const errors = useFormErrors();
  const [name, setName] = useState(me.name);
  const [locale, setLocaleValue] = useState<Locale>(me.locale);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) return errors.setFields({ name: t("validation.required") });
    errors.clear();
    updateMe.mutate(
      { name: name.trim(), locale },
      {
        onSuccess: () => {
          setLocale(locale);
          toast.success(t("profile.details.saved"));
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Card>
      <CardHeader title={t("profile.details.title")} description={t("profile.details.description")} />
      <form onSubmit={onSubmit} noValidate>
        <CardBody className="grid gap-5 sm:grid-cols-2">
          <Field label={t("fields.name")} error={errors.fields.name}>
            <Input
              autoComplete="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              data-testid="profile-name"
            />
          </Field>
          <Field label={t("fields.language")} error={errors.fields.locale}>
            <Select
              value={locale}
              onChange={(event) => setLocaleValue(event.target.value as Locale)}
              data-testid="profile-language"
            >
              {LANGUAGES.map((language) => (
                <option key={language.code} value={language.code} lang={language.code}>
                  {language.name}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-fg">{t("fields.email")}</span>
            <span className="text-sm text-fg-muted">{me.email}</span>
          </div>
          <div className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-fg">{t("fields.instanceRole")}</span>
            <span>
              <RoleBadge role={me.role} />
            </span>
          </div>
          {errors.form ? <Alert className="sm:col-span-2">{errors.form}</Alert> : null}
        </CardBody>
        <CardFooter>
          <Button type="submit" isPending={updateMe.isPending} data-testid="profile-save">
            {t("common.save")}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
