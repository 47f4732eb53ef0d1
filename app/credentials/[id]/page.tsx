import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { CredentialForm } from "@/components/credentials/credential-form";
import { DeleteCredentialButton } from "@/components/credentials/delete-credential-button";
import { ShareCard } from "@/components/sharing/share-card";
import { ButtonLink, Card, CardBody, CardHeader, PageHeader } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { getCredential } from "@/lib/server/credentials/find-credentials";
import { findShares } from "@/lib/server/sharing/set-share";
import { deleteCredentialAction, shareCredentialAction, updateCredentialAction } from "../actions";

export const dynamic = "force-dynamic";

/** One credential: rename, describe or replace the value (editors), share and delete (owner, admins). */
export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const user = (await pageUser("member"))!;
  const { id } = await params;
  const credential = await getCredential(id, user).catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });
  const t = await getTranslations("credentials");
  const owner = credential.access === "owner";
  return (
    <AppShell user={user}>
      <div className="space-y-6">
        <PageHeader
          title={credential.name}
          description={t("detailIntro", { owner: credential.owner ?? "—" })}
          actions={<ButtonLink href="/credentials" variant="secondary">{t("back")}</ButtonLink>}
        />
        <Card>
          <CardHeader title={t("editTitle")} description={credential.access === "viewer" ? t("viewerNote") : undefined} />
          <CardBody>
            <CredentialForm credential={credential} save={updateCredentialAction.bind(null, id)} readOnly={credential.access === "viewer"} />
          </CardBody>
        </Card>
        {owner && <ShareCard kind="credential" owner={credential.owner} shares={await findShares("credential", id)} share={shareCredentialAction.bind(null, id)} />}
        {owner && (
          <Card>
            <CardHeader title={t("dangerTitle")} description={t("dangerIntro")} />
            <CardBody>
              <DeleteCredentialButton id={id} name={credential.name} remove={deleteCredentialAction} />
            </CardBody>
          </Card>
        )}
      </div>
    </AppShell>
  );
}
