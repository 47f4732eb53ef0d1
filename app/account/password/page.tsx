import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PasswordForm } from "@/components/account/password-form";
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
    <main className="flex min-h-screen items-center justify-center px-4 py-8">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <div className="mx-auto flex size-10 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white">O</div>
          <h1 className="text-2xl font-semibold">{t("forcedTitle")}</h1>
          <p className="text-sm text-zinc-500">{t("forcedBody", { username: user.username })}</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <PasswordForm username={user.username} forced />
        </div>
        <div className="flex items-center justify-center gap-4">
          <LocaleSwitcher signedIn />
          <LogoutButton label={tn("logout")} />
        </div>
      </div>
    </main>
  );
}
