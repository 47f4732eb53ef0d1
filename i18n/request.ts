import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { env } from "@/lib/env";
import { catalogs, LOCALE_COOKIE, resolveLocale } from "@/lib/i18n";

// next-intl without locale-prefixed routes: the language is a user preference, not part of the URL.
export default getRequestConfig(async () => {
  const locale = resolveLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  return { locale, messages: catalogs[locale], timeZone: env.timeZone() };
});
