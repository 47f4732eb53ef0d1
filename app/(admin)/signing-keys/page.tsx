import { getFormatter, getTranslations } from "next-intl/server";
import { DeleteSigningKeyButton } from "@/components/signing-keys/delete-signing-key-button";
import { SigningKeyForm } from "@/components/signing-keys/signing-key-form";
import { Badge, Card, CardBody, CardHeader, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findSigningKeys } from "@/lib/server/signing-keys/find-signing-keys";

export const dynamic = "force-dynamic";

/** The allow-list of signing keys (admins only): add a key, see its fingerprint, remove it. */
export default async function SigningKeysPage() {
  const me = await pageUser("admin");
  if (!me) return null;
  const [t, format, keys] = await Promise.all([getTranslations("signingKeys"), getFormatter(), findSigningKeys()]);
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <CardHeader title={t("new")} />
        <CardBody><SigningKeyForm /></CardBody>
      </Card>
      {keys.length === 0 ? (
        <EmptyState title={t("empty")} description={t("emptyBody")} />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("colName")}</TH>
              <TH>{t("colFingerprint")}</TH>
              <TH className="hidden md:table-cell">{t("colAdded")}</TH>
              <TH><span className="sr-only">{t("colActions")}</span></TH>
            </TR>
          </THead>
          <TBody>
            {keys.map((k) => {
              const expired = k.expired;
              return (
                <TR key={k.id}>
                  <TD className="align-top">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{k.name}</span>
                      <Badge tone={k.kind === "ssh" ? "indigo" : "blue"}>{t(`kind_${k.kind}`)}</Badge>
                    </div>
                    <div className="mt-1 text-xs text-zinc-500">{k.algorithm}{k.userIds.length > 0 && ` · ${k.userIds.join(", ")}`}</div>
                    {k.expiresAt && (
                      <div className="mt-1">
                        <Badge tone={expired ? "red" : "amber"}>{t(expired ? "expired" : "expires", { date: format.dateTime(new Date(k.expiresAt), { dateStyle: "medium" }) })}</Badge>
                      </div>
                    )}
                  </TD>
                  <TD className="align-top"><code className="break-all font-mono text-xs text-zinc-700">{k.fingerprint}</code></TD>
                  <TD className="hidden align-top text-sm text-zinc-600 md:table-cell">{t("addedBy", { date: format.dateTime(new Date(k.createdAt), { dateStyle: "medium" }), user: k.createdBy })}</TD>
                  <TD className="text-right align-top"><DeleteSigningKeyButton id={k.id} name={k.name} /></TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
    </div>
  );
}
