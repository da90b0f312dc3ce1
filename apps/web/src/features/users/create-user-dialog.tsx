import { CreateUserSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { type CreateUserRequest, useCreateUser } from "./api";

const CODE_FIELDS = { "user.email_taken": "email" } as const;

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const createUser = useCreateUser();
  const errors = useFormErrors(CODE_FIELDS);
  const [values, setValues] = useState<Required<CreateUserRequest>>({
    email: "",
    name: "",
    password: "",
    role: "member",
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(CreateUserSchema, values, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    createUser.mutate(checked.data, {
      onSuccess: (user) => {
        toast.success(t("users.create.success", { name: user?.name ?? values.name }));
        onDone();
      },
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <Field label={t("fields.name")} error={errors.fields.name}>
          <Input
            autoFocus
            autoComplete="off"
            value={values.name}
            onChange={(event) => setValues({ ...values, name: event.target.value })}
            data-testid="user-create-name"
          />
        </Field>
        <Field label={t("fields.email")} error={errors.fields.email}>
          <Input
            type="email"
            autoComplete="off"
            value={values.email}
            onChange={(event) => setValues({ ...values, email: event.target.value })}
            data-testid="user-create-email"
          />
        </Field>
        <Field
          label={t("users.create.initialPassword")}
          error={errors.fields.password}
          hint={t("users.create.passwordHint")}
        >
          <Input
            type="password"
            autoComplete="new-password"
            value={values.password}
            onChange={(event) => setValues({ ...values, password: event.target.value })}
            data-testid="user-create-password"
          />
        </Field>
        <Field label={t("fields.instanceRole")} error={errors.fields.role} hint={t("users.roleHint")}>
          <Select
            value={values.role}
            onChange={(event) => setValues({ ...values, role: event.target.value as "admin" | "member" })}
            data-testid="user-create-role"
          >
            <option value="member">{t("roles.member")}</option>
            <option value="admin">{t("roles.admin")}</option>
          </Select>
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={createUser.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={createUser.isPending} data-testid="user-create-submit">
          {t("users.create.submit")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Dialog creating an account with an initial password the admin passes on to the person. */
export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("users.create.title")} description={t("users.create.description")}>
      <CreateUserForm onDone={onClose} />
    </Dialog>
  );
}
