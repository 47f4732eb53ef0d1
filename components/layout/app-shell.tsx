import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/server/auth/current-user";
import { LocaleSwitcher } from "./locale-switcher";
import { LogoutButton } from "./logout-button";
import { MobileMenu } from "./mobile-menu";
import { NavLink } from "./nav-link";

/** Page frame for signed-in users: brand, navigation (admin links only for admins), language, sign-out; narrower than xl (1280 px), all of it behind a menu button. */
export async function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const t = await getTranslations("nav");
  const tr = await getTranslations("roles");
  const tm = await getTranslations("shellMenu");
  const links =
    user.role === "admin"
      ? [
          { href: "/sources", label: t("sources") },
          { href: "/sync", label: t("sync") },
          { href: "/plugins", label: t("plugins") },
          { href: "/cache", label: t("cache") },
          { href: "/users", label: t("users") },
          { href: "/signing-keys", label: t("signingKeys") },
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
      <header className="relative border-b border-zinc-200 bg-white">
        {/* From xl (1280 px) the links and the account controls share one row; narrower (they do not fit at 1024 px), they are behind the menu button. */}
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-x-6 px-4">
          <Link href="/" aria-label="Opsflow" className="flex h-10 items-center gap-2 font-semibold">
            <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">O</span>
            <span>Opsflow</span>
          </Link>
          <nav aria-label={t("admin")} className="hidden flex-1 items-center gap-1 xl:flex">
            {links.map((l) => (
              <NavLink key={l.href} href={l.href}>{l.label}</NavLink>
            ))}
          </nav>
          <div className="ml-auto hidden items-center gap-3 xl:flex">
            <span className="hidden text-sm text-zinc-500 2xl:inline">{t("signedInAs", { username: user.username, role: tr(user.role) })}</span>
            <NavLink href="/account">{t("account")}</NavLink>
            <LocaleSwitcher signedIn />
            <LogoutButton label={t("logout")} />
          </div>
          <MobileMenu label={tm("open")} closeLabel={tm("close")}>
            <nav aria-label={t("admin")} className="flex flex-col gap-0.5">
              {links.map((l) => (
                <NavLink key={l.href} href={l.href}>{l.label}</NavLink>
              ))}
            </nav>
            <div className="mt-3 flex flex-col gap-2 border-t border-zinc-100 pt-3">
              <p className="px-2.5 text-sm text-zinc-500">{t("signedInAs", { username: user.username, role: tr(user.role) })}</p>
              <NavLink href="/account">{t("account")}</NavLink>
              <div className="flex flex-wrap items-center justify-between gap-2 px-1">
                <LocaleSwitcher signedIn />
                <LogoutButton label={t("logout")} />
              </div>
            </div>
          </MobileMenu>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
