import { type Tenant, UpdateTenantSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useRenameTenant } from "./api";

function RenameForm({ tenant, onDone }: { tenant: Tenant; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const rename = useRenameTenant(tenant.id);
  const errors = useFormErrors();
  const [name, setName] = useState(tenant.name);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(UpdateTenantSchema, { name }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    if (checked.data.name === tenant.name) return onDone();
    errors.clear();
    rename.mutate(checked.data, {
      onSuccess: () => {
        toast.success(t("tenants.rename.success"));
        onDone();
      },
      onError: errors.fromError,
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogBody>
        <Field
          label={t("tenants.fields.name")}
          error={errors.fields.name}
          hint={t("tenants.rename.slugUnchanged", { slug: tenant.slug })}
        >
          <Input
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-testid="tenant-rename-name"
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={rename.isPending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={rename.isPending} data-testid="tenant-rename-submit">
          {t("common.save")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Renames a department; its slug (used in addresses and API calls) stays the same. */
export function RenameTenantDialog({ tenant, open, onClose }: { tenant: Tenant; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("tenants.rename.title")} size="sm">
      <RenameForm tenant={tenant} onDone={onClose} />
    </Dialog>
  );
}
