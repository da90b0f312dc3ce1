import { AddMemberSchema, type TenantRole } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { Field } from "../../components/ui/field";
import { PlusIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { ApiError } from "../../lib/api-client";
import { useAddMember } from "./api";

const CODE_FIELDS = { "member.already_exists": "email", "user.email_taken": "email" } as const;

const EMPTY = { email: "", role: "member" as TenantRole, name: "", password: "" };

/**
 * Adds a person to the department by email. A name and an initial password, when given, create the
 * account if nobody uses that email yet.
 */
export function AddMemberForm({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const addMember = useAddMember(tenantId);
  const errors = useFormErrors(CODE_FIELDS);
  const [values, setValues] = useState(EMPTY);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = values.name.trim();
    const body = {
      email: values.email,
      role: values.role,
      name: name || undefined,
      password: values.password || undefined,
    };
    const checked = validateWith(AddMemberSchema, body, t);
    const fields = checked.ok ? {} : { ...checked.fields };
    if (body.name && !body.password) fields.password ??= t("tenants.members.add.bothNeeded");
    if (body.password && !body.name) fields.name ??= t("tenants.members.add.bothNeeded");
    if (!checked.ok || Object.keys(fields).length > 0) return errors.setFields(fields);
    errors.clear();
    addMember.mutate(checked.data, {
      onSuccess: (member) => {
        toast.success(t("tenants.members.add.success", { name: member?.name || member?.email || body.email }));
        setValues(EMPTY);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.code === "user.not_found") {
          return errors.setFields({ email: t("tenants.members.add.unknownEmail") });
        }
        errors.fromError(error);
      },
    });
  };

  return (
    <Card>
      <CardHeader title={t("tenants.members.add.title")} description={t("tenants.members.add.description")} />
      <CardBody>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-5">
          <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
            <Field label={t("fields.email")} error={errors.fields.email}>
              <Input
                type="email"
                autoComplete="off"
                placeholder="name@example.org"
                value={values.email}
                onChange={(event) => setValues({ ...values, email: event.target.value })}
                data-testid="member-email"
              />
            </Field>
            <Field label={t("fields.tenantRole")} error={errors.fields.role}>
              <Select
                value={values.role}
                onChange={(event) => setValues({ ...values, role: event.target.value as TenantRole })}
                data-testid="member-role"
              >
                <option value="member">{t("roles.member")}</option>
                <option value="admin">{t("roles.admin")}</option>
              </Select>
            </Field>
          </div>

          <fieldset className="rounded-lg border border-dashed border-line-strong p-4">
            <legend className="px-1 text-sm font-medium text-fg">{t("tenants.members.add.newAccount")}</legend>
            <p className="mb-4 text-sm text-fg-muted">{t("tenants.members.add.newAccountHint")}</p>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label={t("fields.name")} error={errors.fields.name}>
                <Input
                  autoComplete="off"
                  value={values.name}
                  onChange={(event) => setValues({ ...values, name: event.target.value })}
                  data-testid="member-name"
                />
              </Field>
              <Field
                label={t("users.create.initialPassword")}
                error={errors.fields.password}
                hint={t("fields.passwordHint")}
              >
                <Input
                  type="password"
                  autoComplete="new-password"
                  value={values.password}
                  onChange={(event) => setValues({ ...values, password: event.target.value })}
                  data-testid="member-password"
                />
              </Field>
            </div>
          </fieldset>

          {errors.form ? <Alert>{errors.form}</Alert> : null}
          <div className="flex justify-end">
            <Button type="submit" icon={<PlusIcon />} isPending={addMember.isPending} data-testid="member-add-submit">
              {t("tenants.members.add.submit")}
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
