import { CreateTenantSchema } from "@atrium/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { Field } from "../../components/ui/field";
import { PlusIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { useToast } from "../../components/ui/toast";
import { useFormErrors, validateWith } from "../../i18n/errors";
import { useCreateTenant } from "./api";

const CODE_FIELDS = { "tenant.slug_taken": "slug" } as const;

/**
 * Creates a department, then opens its page so the next step (adding people) is right there.
 * The slug is optional: the server derives one from the name.
 */
export function CreateTenantForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const createTenant = useCreateTenant();
  const errors = useFormErrors(CODE_FIELDS);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = validateWith(CreateTenantSchema, { name, slug: slug.trim() ? slug : undefined }, t);
    if (!checked.ok) return errors.setFields(checked.fields);
    errors.clear();
    createTenant.mutate(checked.data, {
      onSuccess: (tenant) => {
        toast.success(t("tenants.create.success", { name: tenant.name }));
        navigate(`/tenants/${tenant.id}`);
      },
      onError: errors.fromError,
    });
  };

  return (
    <Card>
      <CardHeader title={t("tenants.create.title")} description={t("tenants.create.description")} />
      <CardBody>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          <div className="grid gap-4 md:grid-cols-[1fr_1fr_auto] md:items-start">
            <Field label={t("tenants.fields.name")} error={errors.fields.name}>
              <Input
                value={name}
                placeholder={t("tenants.create.namePlaceholder")}
                onChange={(event) => setName(event.target.value)}
                data-testid="tenant-create-name"
              />
            </Field>
            <Field
              label={t("tenants.fields.slugOptional")}
              error={errors.fields.slug}
              hint={t("tenants.create.slugHint")}
            >
              <Input
                value={slug}
                placeholder="legal"
                autoCapitalize="none"
                spellCheck={false}
                onChange={(event) => setSlug(event.target.value)}
                data-testid="tenant-create-slug"
              />
            </Field>
            <Button
              type="submit"
              icon={<PlusIcon />}
              isPending={createTenant.isPending}
              className="md:mt-7"
              data-testid="tenant-create-submit"
            >
              {t("tenants.create.submit")}
            </Button>
          </div>
          {errors.form ? <Alert>{errors.form}</Alert> : null}
        </form>
      </CardBody>
    </Card>
  );
}
