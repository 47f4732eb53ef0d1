import { createTranslator } from "next-intl";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import type { Locale } from "./config";

export * from "./config";

export const catalogs: Record<Locale, typeof en> = { en, "zh-CN": zhCN };

/** A translator for code outside React (server actions, route handlers, the CLI). */
export function translator(locale: Locale) {
  return createTranslator({ locale, messages: catalogs[locale] });
}
