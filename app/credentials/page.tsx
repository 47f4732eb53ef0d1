import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { CredentialForm } from "@/components/credentials/credential-form";
import { Card, CardBody, CardHeader, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findCredentials } from "@/lib/server/credentials/find-credentials";
import { createCredentialAction } from "./actions";

export const dynamic = "force-dynamic";

/** Credentials: the ones the user may use (own, shared; admins: all) and a form to add one. Never a value. */
export default async function CredentialsPage() {
  const user = (await pageUser("member"))!;
  const [t, ts, format, credentials] = await Promise.all([getTranslations("credentials"), getTranslations("sharing"), getFormatter(), findCredentials(user)]);
  return (
    <AppShell user={user}>
      <div className="space-y-6">
        <PageHeader title={t("title")} description={t("intro")} />
        <Card>
          <CardHeader title={t("createTitle")} />
          <CardBody>
            <CredentialForm save={createCredentialAction} />
          </CardBody>
        </Card>
        {credentials.length === 0 ? (
          <EmptyState title={t("empty")} description={t("emptyBody")} />
        ) : (
          <Table data-testid="credential-list">
            <THead>
              <TR>
                <TH>{t("colName")}</TH>
                <TH>{t("colOwner")}</TH>
                <TH>{t("colUpdated")}</TH>
              </TR>
            </THead>
            <TBody>
              {credentials.map((c) => (
                <TR key={c.id}>
                  <TD>
                    <Link href={`/credentials/${c.id}`} className="font-medium text-indigo-700 hover:underline">{c.name}</Link>
                    {c.description && <p className="max-w-md truncate text-xs text-zinc-500">{c.description}</p>}
                  </TD>
                  <TD className="text-sm">
                    {c.owner ?? "—"}
                    {c.access !== "owner" && <span className="ml-2 text-xs text-zinc-500">{t("sharedAs", { role: ts(c.access) })}</span>}
                  </TD>
                  <TD className="text-sm text-zinc-600">{t("updated", { at: format.relativeTime(new Date(c.updatedAt)), user: c.updatedBy })}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </div>
    </AppShell>
  );
}
