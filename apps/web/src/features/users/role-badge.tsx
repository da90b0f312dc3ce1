import type { InstanceRole, TenantRole } from "@atrium/contracts";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge";

/** An instance or department role, highlighted when it grants admin rights. */
export function RoleBadge({ role }: { role: InstanceRole | TenantRole }) {
  const { t } = useTranslation();
  return <Badge tone={role === "member" ? "neutral" : "accent"}>{t(`roles.${role}`)}</Badge>;
}

/** Whether an account can sign in. */
export function StatusBadge({ isActive }: { isActive: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge tone={isActive ? "success" : "danger"}>
      {isActive ? t("users.status.active") : t("users.status.disabled")}
    </Badge>
  );
}
