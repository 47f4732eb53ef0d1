import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LoginForm } from "@/components/auth/login-form";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";
import { pageSession } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await pageSession()) redirect("/");
  const t = await getTranslations("login");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <div className="mx-auto flex size-10 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white">O</div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-zinc-500">{t("subtitle")}</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <LoginForm />
        </div>
        <div className="flex justify-center">
          <LocaleSwitcher signedIn={false} />
        </div>
      </div>
    </main>
  );
}
