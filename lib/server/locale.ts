import "server-only";
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, resolveLocale, translator, type Locale } from "../i18n";

/** The request's interface language (saved cookie, then Accept-Language). */
export async function requestLocale(): Promise<Locale> {
  return resolveLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
}

export async function requestTranslator() {
  return translator(await requestLocale());
}
