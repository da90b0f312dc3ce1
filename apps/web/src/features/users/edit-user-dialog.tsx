import { UpdateUserSchema, type User } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Checkbox } from "../../components/ui/checkbox";
import { ConfirmDialog, Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { Select } from "../../components/ui/select";
import { useToast } from "../../components/ui/toast";
import { describeError, useFormErrors, validateWith } from "../../i18n/errors";
import { useCurrentUser } from "../auth/use-current-user";
import { type UpdateUserRequest, useDeleteUser, useUpdateUser } from "./api";

function DetailsForm({ user, onDone }: { user: User; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const me = useCurrentUser();
  const updateUser = useUpdateUser();
  const errors = useFormErrors();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  const [isActive, setIsActive] = useState(user.isActive);
  const isOwner = user.role === "owner";
  const isSelf = user.id === me.id;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const changes: UpdateUserRequest = {};
    if (name.trim() !== user.name) changes.name = name.trim();
    if (role !== user.role && role !== "owner") changes.role = role;
    if (isActive !== user.isActive) changes.isActive = isActive;
    if (Object.keys(changes).length === 0) return onDone();
    if (changes.name !== undefined && !changes.name) return errors.setFields({ name: t("validation.required") });
    errors.clear();
    updateUser.mutate(
      { id: user.id, ...changes },
      {
        onSuccess: () => {
          toast.success(t("users.edit.saved"));
          onDone();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <Field label={t("fields.name")} error={errors.fields.name}>
          <Input value={name} onChange={(event) => setName(event.target.value)} data-testid="user-edit-name" />
        </Field>
        <Field
          label={t("fields.instanceRole")}
          error={errors.fields.role}
          hint={isOwner ? t("users.edit.ownerHint") : t("users.roleHint")}
        >
          <Select
            value={role}
            disabled={isOwner}
            onChange={(event) => setRole(event.target.value as User["role"])}
            data-testid="user-edit-role"
          >
            {isOwner ? <option value="owner">{t("roles.owner")}</option> : null}
            <option value="member">{t("roles.member")}</option>
            <option value="admin">{t("roles.admin")}</option>
          </Select>
        </Field>
        <Checkbox
          label={t("users.edit.active")}
          description={isOwner || isSelf ? t("users.edit.cannotDisableSelf") : t("users.edit.activeHint")}
          checked={isActive}
          disabled={isOwner || isSelf}
          onChange={(event) => setIsActive(event.target.checked)}
          data-testid="user-edit-active"
        />
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={updateUser.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={updateUser.isPending} data-testid="user-edit-submit">
          {t("common.save")}
        </Button>
      </DialogFooter>
    </form>
  );
}

function ResetPasswordForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const toast = useToast();
  const updateUser = useUpdateUser();
  const errors = useFormErrors();
  const [password, setPassword] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(UpdateUserSchema, { password }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    updateUser.mutate(
      { id: user.id, password },
      {
        onSuccess: () => {
          setPassword("");
          toast.success(t("users.password.success", { name: user.name }));
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3 border-t border-line px-5 py-5">
      <div>
        <h3 className="text-sm font-semibold text-fg">{t("users.password.title")}</h3>
        <p className="mt-0.5 text-sm text-fg-muted">{t("users.password.description")}</p>
      </div>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field label={t("fields.newPassword")} error={errors.fields.password} className="flex-1" isLabelHidden>
          <Input
            type="password"
            autoComplete="new-password"
            placeholder={t("fields.newPassword")}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="user-reset-password"
          />
        </Field>
        <Button
          type="submit"
          variant="secondary"
          isPending={updateUser.isPending}
          data-testid="user-reset-password-submit"
        >
          {t("users.password.submit")}
        </Button>
      </div>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
    </form>
  );
}

function DeleteSection({ user, onDeleted }: { user: User; onDeleted: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const deleteUser = useDeleteUser();
  const [isConfirming, setIsConfirming] = useState(false);
  return (
    <div className="flex flex-col gap-3 border-t border-line px-5 py-5 sm:flex-row sm:items-center sm:justify-between">
      <div>
        <h3 className="text-sm font-semibold text-fg">{t("users.delete.title")}</h3>
        <p className="mt-0.5 text-sm text-fg-muted">{t("users.delete.description")}</p>
      </div>
      <Button variant="secondary" className="text-danger-text" onClick={() => setIsConfirming(true)}>
        {t("users.delete.action")}
      </Button>
      <ConfirmDialog
        open={isConfirming}
        onClose={() => {
          deleteUser.reset();
          setIsConfirming(false);
        }}
        title={t("users.delete.confirmTitle", { name: user.name })}
        description={t("users.delete.confirmDescription", { email: user.email })}
        confirmLabel={t("users.delete.action")}
        isPending={deleteUser.isPending}
        error={deleteUser.error ? describeError(deleteUser.error, t) : undefined}
        onConfirm={() =>
          deleteUser.mutate(user.id, {
            onSuccess: () => {
              toast.success(t("users.delete.success", { name: user.name }));
              setIsConfirming(false);
              onDeleted();
            },
          })
        }
      />
    </div>
  );
}

/** Edits an account: name, role, whether it can sign in; resets its password; deletes it. */
export function EditUserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const canDelete = user !== null && user.role !== "owner" && user.id !== me.id;
  return (
    <Dialog
      open={user !== null}
      onClose={onClose}
      title={user ? t("users.edit.title", { name: user.name }) : ""}
      description={user?.email}
    >
      {user ? (
        <div className="overflow-y-auto">
          <DetailsForm user={user} onDone={onClose} />
          <ResetPasswordForm user={user} />
          {canDelete ? <DeleteSection user={user} onDeleted={onClose} /> : null}
        </div>
      ) : null}
    </Dialog>
  );
}
