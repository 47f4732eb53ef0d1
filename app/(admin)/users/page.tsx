import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { UserForm } from "@/components/users/user-form";
import { UserRowActions } from "@/components/users/user-row-actions";
import { Badge, Card, CardBody, CardHeader, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findUsers } from "@/lib/server/users/find-users";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await pageUser("admin");
  if (!me) return null;
  const [t, tr, format, users] = await Promise.all([getTranslations("users"), getTranslations("roles"), getFormatter(), findUsers()]);
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <CardHeader title={t("new")} />
        <CardBody><UserForm /></CardBody>
      </Card>
      <Table>
        <THead>
          <TR>
            <TH>{t("colUsername")}</TH>
            <TH>{t("colRole")}</TH>
            <TH className="hidden md:table-cell">{t("colPassword")}</TH>
            <TH className="hidden md:table-cell">{t("colCreated")}</TH>
            <TH><span className="sr-only">{t("colActions")}</span></TH>
          </TR>
        </THead>
        <TBody>
          {users.map((u) => (
            <TR key={u.id}>
              <TD>
                <span className="font-medium">{u.username}</span>{u.id === me.id && <span className="ml-2 text-xs text-zinc-500">{t("you")}</span>}
                {/* Narrow screens: the password state under the name (its column is hidden). */}
                {u.mustChangePassword && <div className="mt-1 md:hidden"><Badge tone="amber">{t("mustChange")}</Badge></div>}
              </TD>
              <TD><Badge tone={u.role === "admin" ? "indigo" : "neutral"}>{tr(u.role)}</Badge></TD>
              <TD className="hidden text-sm text-zinc-600 md:table-cell">
                {u.mustChangePassword ? (
                  <Badge tone="amber">{t("mustChange")}</Badge>
                ) : (
                  u.passwordChangedAt && t("passwordSet", { date: format.dateTime(new Date(u.passwordChangedAt), { dateStyle: "medium" }) })
                )}
              </TD>
              <TD className="hidden text-sm text-zinc-600 md:table-cell">{format.dateTime(new Date(u.createdAt), { dateStyle: "medium" })}</TD>
              <TD className="text-right">
                {u.id === me.id ? (
                  <Link href="/account" className="text-sm font-medium text-indigo-700 hover:underline">{t("yourAccount")}</Link>
                ) : (
                  <UserRowActions user={{ id: u.id, username: u.username, role: u.role }} />
                )}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
