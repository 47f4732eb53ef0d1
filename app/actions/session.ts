"use server";

import { cookies, headers } from "next/headers";
import { clientIp } from "@/lib/env";
import { db } from "@/lib/db";
import { LOCALE_COOKIE } from "@/lib/i18n";
import { login, logout } from "@/lib/server/auth/login";
import { action } from "@/lib/server/safe";
import { ZLocale, ZLoginInput } from "@/lib/validations/auth";

const localeCookie = { httpOnly: false, sameSite: "lax" as const, path: "/", maxAge: 365 * 24 * 3600 };

/** Sign in; restores the user's saved language. The role decides where the page goes next. */
export const loginAction = action("public", ZLoginInput, async (input) => {
  const result = await login(input, clientIp(await headers()));
  if (result.locale) (await cookies()).set(LOCALE_COOKIE, result.locale, localeCookie);
  return { role: result.role, mustChangePassword: result.mustChangePassword };
});

export async function logoutAction(): Promise<void> {
  await logout();
}

/** Saves the interface language on the user and in a cookie (read by every request); also before a required password change. */
export const setLocaleAction = action("account", ZLocale, async (locale, user) => {
  await (await db()).user.update({ where: { id: user.id }, data: { locale } });
  (await cookies()).set(LOCALE_COOKIE, locale, localeCookie);
  return { locale };
});
