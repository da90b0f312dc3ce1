import type { User } from "@atrium/contracts";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { PencilIcon, PlusIcon, SearchIcon, UsersIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { PageHeader } from "../../components/ui/page-header";
import { Pagination } from "../../components/ui/pagination";
import { LoadingBlock, Spinner } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { describeError } from "../../i18n/errors";
import { formatDateTime, initials } from "../../lib/format";
import { useDebounced } from "../../lib/use-debounced";
import { useCurrentUser } from "../auth/use-current-user";
import { useUsers } from "./api";
import { CreateUserDialog } from "./create-user-dialog";
import { EditUserDialog } from "./edit-user-dialog";
import { RoleBadge, StatusBadge } from "./role-badge";

const PAGE_SIZE = 20;

/** Admin > Users: every account of the instance, searchable and paginated. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 300);
  const [offset, setOffset] = useState(0);
  const [isCreating, setIsCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const users = useUsers({ q: query, limit: PAGE_SIZE, offset });

  // A new search starts from its first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on query change only
  useEffect(() => setOffset(0), [query]);

  return (
    <>
      <PageHeader
        title={t("users.title")}
        description={t("users.description")}
        actions={
          <Button icon={<PlusIcon />} onClick={() => setIsCreating(true)} data-testid="user-create-open">
            {t("users.create.open")}
          </Button>
        }
      />

      <Card>
        <div className="flex items-center gap-3 border-b border-line px-5 py-3">
          <Field label={t("users.search")} isLabelHidden className="max-w-sm flex-1">
            <div className="relative">
              <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
              <Input
                type="search"
                className="pl-9"
                placeholder={t("users.searchPlaceholder")}
                value={search}
                onChange={(event) => setSearch(event.target.value)}
                data-testid="user-search"
              />
            </div>
          </Field>
          {users.isFetching && !users.isPending ? (
            <Spinner className="text-fg-subtle" label={t("common.loading")} />
          ) : null}
        </div>

        {users.isPending ? (
          <LoadingBlock />
        ) : users.isError ? (
          <div className="p-5">
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void users.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(users.error, t)}
            </Alert>
          </div>
        ) : users.data.items.length === 0 ? (
          query ? (
            <EmptyState
              icon={<SearchIcon />}
              title={t("users.emptySearch.title", { query })}
              description={t("users.emptySearch.description")}
              action={
                <Button variant="secondary" onClick={() => setSearch("")}>
                  {t("users.emptySearch.clear")}
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<UsersIcon />}
              title={t("users.empty.title")}
              description={t("users.empty.description")}
              action={
                <Button icon={<PlusIcon />} onClick={() => setIsCreating(true)}>
                  {t("users.create.open")}
                </Button>
              }
            />
          )
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>{t("users.columns.user")}</TH>
                  <TH>{t("users.columns.role")}</TH>
                  <TH>{t("users.columns.status")}</TH>
                  <TH className="hidden md:table-cell">{t("users.columns.lastLogin")}</TH>
                  <TH>
                    <span className="sr-only">{t("common.actions")}</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {users.data.items.map((user) => (
                  <TR key={user.id} data-testid="user-row">
                    <TD>
                      <div className="flex items-center gap-3">
                        <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-subtle text-xs font-semibold text-fg-muted">
                          {initials(user.name)}
                        </span>
                        <div className="min-w-0">
                          <p className="truncate font-medium">
                            {user.name}
                            {user.id === me.id ? (
                              <span className="ml-1.5 text-fg-subtle">({t("common.you")})</span>
                            ) : null}
                          </p>
                          <p className="truncate text-fg-muted">{user.email}</p>
                        </div>
                      </div>
                    </TD>
                    <TD>
                      <RoleBadge role={user.role} />
                    </TD>
                    <TD>
                      <StatusBadge isActive={user.isActive} />
                    </TD>
                    <TD className="hidden whitespace-nowrap text-fg-muted md:table-cell">
                      {user.lastLoginAt ? formatDateTime(user.lastLoginAt, i18n.language) : t("users.neverSignedIn")}
                    </TD>
                    <TD className="text-right">
                      <Button variant="ghost" size="sm" icon={<PencilIcon />} onClick={() => setEditing(user)}>
                        {t("common.edit")}
                        <span className="sr-only">{user.name}</span>
                      </Button>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <Pagination
              offset={offset}
              limit={PAGE_SIZE}
              total={users.data.total}
              onChange={setOffset}
              isFetching={users.isFetching}
            />
          </>
        )}
      </Card>

      <CreateUserDialog open={isCreating} onClose={() => setIsCreating(false)} />
      <EditUserDialog user={editing} onClose={() => setEditing(null)} />
    </>
  );
}
