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
      <header className="border-b border-zinc-200 bg-white">
        {/* Narrower than lg the links get a row of their own, scrolling sideways; the account controls stay on top. */}
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-1 px-4 pt-2 lg:h-14 lg:gap-x-3 2xl:gap-x-6 lg:flex-nowrap lg:pt-0">
          <Link href="/" aria-label="Opsflow" className="flex h-10 items-center gap-2 font-semibold">
            <span className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">O</span>
            {/* On a phone the mark alone: the account controls fit beside it. */}
            {/* Beside the full admin navigation (lg to 2xl) the mark alone too: the links need the room. */}
            <span className="hidden sm:inline lg:hidden 2xl:inline">Opsflow</span>
          </Link>
          <nav aria-label={t("admin")} className="order-last -mx-4 flex w-[calc(100%+2rem)] items-center gap-1 overflow-x-auto px-4 pb-2 lg:order-none lg:mx-0 lg:w-auto lg:min-w-0 lg:flex-1 lg:px-0 lg:pb-0">
            {links.map((l) => (
              <NavLink key={l.href} href={l.href}>{l.label}</NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2 sm:gap-3">
            <span className="hidden text-sm text-zinc-500 2xl:inline">{t("signedInAs", { username: user.username, role: tr(user.role) })}</span>
            <NavLink href="/account">{t("account")}</NavLink>
            <LocaleSwitcher signedIn />
            <LogoutButton label={t("logout")} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
