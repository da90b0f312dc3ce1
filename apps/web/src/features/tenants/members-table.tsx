import type { Member, TenantRole } from "@atrium/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { TrashIcon, UsersIcon } from "../../components/ui/icons";
import { Select } from "../../components/ui/select";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatDate, initials } from "../../lib/format";
import { useCurrentUser } from "../auth/use-current-user";
import { StatusBadge } from "../users/role-badge";
import { useChangeMemberRole, useMembers, useRemoveMember } from "./api";

/** The department's members: change a role in place, remove someone after confirming. */
export function MembersTable({ tenantId }: { tenantId: string }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const me = useCurrentUser();
  const members = useMembers(tenantId);
  const changeRole = useChangeMemberRole(tenantId);
  const removeMember = useRemoveMember(tenantId);
  const [removing, setRemoving] = useState<Member | null>(null);

  const onRoleChange = (member: Member, role: TenantRole) =>
    changeRole.mutate(
      { userId: member.userId, role },
      {
        onSuccess: () =>
          toast.success(t("tenants.members.roleChanged", { name: member.name, role: t(`roles.${role}`) })),
        onError: (error) => toast.error(describeError(error, t)),
      },
    );

  const closeRemove = () => {
    removeMember.reset();
    setRemoving(null);
  };

  return (
    <Card>
      <CardHeader
        title={t("tenants.members.title")}
        description={members.data ? t("tenants.members.count", { number: members.data.length }) : undefined}
      />
      {members.isPending ? (
        <LoadingBlock />
      ) : members.isError ? (
        <div className="p-5">
          <Alert
            title={t("errors.loadFailed")}
            action={
              <Button size="sm" variant="secondary" onClick={() => void members.refetch()}>
                {t("common.retry")}
              </Button>
            }
          >
            {describeError(members.error, t)}
          </Alert>
        </div>
      ) : members.data.length === 0 ? (
        <EmptyState
          icon={<UsersIcon />}
          title={t("tenants.members.empty.title")}
          description={t("tenants.members.empty.description")}
        />
      ) : (
        <Table>
          <THead>
            <tr>
              <TH>{t("users.columns.user")}</TH>
              <TH>{t("fields.tenantRole")}</TH>
              <TH className="hidden sm:table-cell">{t("users.columns.status")}</TH>
              <TH className="hidden md:table-cell">{t("tenants.members.added")}</TH>
              <TH>
                <span className="sr-only">{t("common.actions")}</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {members.data.map((member) => {
              const isChanging = changeRole.isPending && changeRole.variables?.userId === member.userId;
              return (
                <TR key={member.userId} data-testid="member-row">
                  <TD>
                    <div className="flex items-center gap-3">
                      <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-subtle text-xs font-semibold text-fg-muted">
                        {initials(member.name)}
                      </span>
                      <div className="min-w-0">
                        <p className="truncate font-medium">
                          {member.name}
                          {member.userId === me.id ? (
                            <span className="ml-1.5 text-fg-subtle">({t("common.you")})</span>
                          ) : null}
                        </p>
                        <p className="truncate text-fg-muted">{member.email}</p>
                      </div>
                    </div>
                  </TD>
                  <TD>
                    <Field label={t("tenants.members.roleOf", { name: member.name })} isLabelHidden>
                      <Select
                        value={isChanging && changeRole.variables ? changeRole.variables.role : member.role}
                        disabled={isChanging}
                        onChange={(event) => onRoleChange(member, event.target.value as TenantRole)}
                        wrapperClassName="w-fit"
                        className="h-8 w-auto"
                      >
                        <option value="member">{t("roles.member")}</option>
                        <option value="admin">{t("roles.admin")}</option>
                      </Select>
                    </Field>
                  </TD>
                  <TD className="hidden sm:table-cell">
                    <StatusBadge isActive={member.isActive} />
                  </TD>
                  <TD className="hidden whitespace-nowrap text-fg-muted md:table-cell">
                    {formatDate(member.createdAt, i18n.language)}
                  </TD>
                  <TD className="text-right">
                    <Button variant="ghost" size="sm" icon={<TrashIcon />} onClick={() => setRemoving(member)}>
                      {t("tenants.members.remove.action")}
                      <span className="sr-only">{member.name}</span>
                    </Button>
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
      <ConfirmDialog
        open={removing !== null}
        onClose={closeRemove}
        title={t("tenants.members.remove.title", { name: removing?.name ?? "" })}
        description={
          removing?.userId === me.id
            ? t("tenants.members.remove.selfDescription")
            : t("tenants.members.remove.description")
        }
        confirmLabel={t("tenants.members.remove.action")}
        isPending={removeMember.isPending}
        error={removeMember.error ? describeError(removeMember.error, t) : undefined}
        confirmTestId="member-remove-confirm"
        onConfirm={() => {
          if (!removing) return;
          const name = removing.name;
          removeMember.mutate(removing.userId, {
            onSuccess: () => {
              toast.success(t("tenants.members.remove.success", { name }));
              closeRemove();
            },
          });
        }}
      />
    </Card>
  );
}
