import { getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { PageHeader } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

/** Landing page for members; the process editor itself is built on the plugin runtime. */
export default async function EditorPage() {
  const user = (await pageUser("member"))!;
  const t = await getTranslations("home");
  return (
    <AppShell user={user}>
      <PageHeader title={t("memberTitle")} description={t("memberBody")} />
    </AppShell>
  );
}
