import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LoginForm } from "@/components/auth/login-form";
import { AuthFrame } from "@/components/layout/auth-frame";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";
import { pageSession } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await pageSession()) redirect("/");
  const t = await getTranslations("login");
  return (
    <AuthFrame title={t("title")} subtitle={t("subtitle")} footer={<LocaleSwitcher signedIn={false} />}>
      <LoginForm />
    </AuthFrame>
  );
}
