import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/server/auth/current-user";
import { LocaleSwitcher } from "./locale-switcher";
import { LogoutButton } from "./logout-button";
import { NavLink } from "./nav-link";

/** Page frame for signed-in users: brand, navigation (admin links only for admins), language, sign-out. */
export async function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const t = await getTranslations("nav");
  const tr = await getTranslations("roles");
  const links =
    user.role === "admin"
      ? [
          { href: "/sources", label: t("sources") },
          { href: "/sync", label: t("sync") },
          { href: "/plugins", label: t("plugins") },
          { href: "/cache", label: t("cache") },
          { href: "/users", label: t("users") },
          { href: "/audit", label: t("audit") },
          { href: "/editor", label: t("editor") },
          { href: "/credentials", label: t("credentials") },
        ]
      : [
          { href: "/editor", label: t("editor") },
          { href: "/credentials", label: t("credentials") },
        ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
          <Link href="/" className="flex items-center gap-2 font-semibold">
            <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">O</span>
            Opsflow
          </Link>
          <nav aria-label={t("admin")} className="flex flex-1 items-center gap-1">
            {links.map((l) => (
              <NavLink key={l.href} href={l.href}>{l.label}</NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-3">
            <span className="hidden text-sm text-zinc-500 2xl:inline">{t("signedInAs", { username: user.username, role: tr(user.role) })}</span>
            <LocaleSwitcher signedIn />
            <LogoutButton label={t("logout")} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
