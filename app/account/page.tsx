import { getFormatter, getTranslations } from "next-intl/server";
import { PasswordForm } from "@/components/account/password-form";
import { AppShell } from "@/components/layout/app-shell";
import { Badge, Card, CardBody, CardHeader, PageHeader } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { getUser } from "@/lib/server/users/find-users";

export const dynamic = "force-dynamic";

/** Your account (members and admins): who you are, and changing your password. */
export default async function AccountPage() {
  const me = (await pageUser("member"))!;
  const [t, tr, format, view] = await Promise.all([getTranslations("account"), getTranslations("roles"), getFormatter(), getUser(me.id)]);
  return (
    <AppShell user={me}>
      <div className="mx-auto max-w-2xl space-y-6">
        <PageHeader title={t("title")} description={t("description")} />
        <Card>
          <CardBody>
            <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[12rem_1fr] sm:gap-y-3 [&>dd]:mb-2 sm:[&>dd]:mb-0">
              <dt className="text-zinc-500">{t("username")}</dt>
              <dd className="font-medium">{view.username}</dd>
              <dt className="text-zinc-500">{t("role")}</dt>
              <dd><Badge tone={view.role === "admin" ? "indigo" : "neutral"}>{tr(view.role)}</Badge></dd>
              <dt className="text-zinc-500">{t("passwordChanged")}</dt>
              <dd>{view.passwordChangedAt ? format.dateTime(new Date(view.passwordChangedAt), { dateStyle: "medium", timeStyle: "short" }) : t("passwordNeverChanged")}</dd>
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={t("changeTitle")} description={t("changeDescription")} />
          <CardBody><PasswordForm username={view.username} /></CardBody>
        </Card>
      </div>
    </AppShell>
  );
}
