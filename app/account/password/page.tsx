import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PasswordForm } from "@/components/account/password-form";
import { AuthFrame } from "@/components/layout/auth-frame";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";
import { LogoutButton } from "@/components/layout/logout-button";
import { pageSession } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

/**
 * The required password change (a generated first admin password, or one an admin reset): every other page and
 * API sends the user here, or refuses, until it is done. Without the app's navigation, like the login page.
 */
export default async function RequiredPasswordPage() {
  const user = await pageSession();
  if (!user) redirect("/login");
  if (!user.mustChangePassword) redirect("/account");
  const [t, tn] = await Promise.all([getTranslations("account"), getTranslations("nav")]);
  return (
    <AuthFrame title={t("forcedTitle")} subtitle={t("forcedBody", { username: user.username })}
      footer={<><LocaleSwitcher signedIn /><LogoutButton label={tn("logout")} /></>}>
      <PasswordForm username={user.username} forced />
    </AuthFrame>
  );
}
