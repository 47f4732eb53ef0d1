// use-intl/core (which next-intl re-exports) has no React: it also loads in the CLIs and plain-Node scripts.
import { createTranslator } from "use-intl/core";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import type { Locale } from "./config";

export * from "./config";

export const catalogs: Record<Locale, typeof en> = { en, "zh-CN": zhCN };

const translators = new Map<Locale, ReturnType<typeof createTranslator<typeof en>>>();

/** A translator for code outside React (server actions, route handlers, the CLI); one per locale, reused. */
export function translator(locale: Locale) {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = createTranslator({ locale, messages: catalogs[locale] })));
  return t;
}
