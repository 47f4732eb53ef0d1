"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocaleAction } from "@/app/actions/session";
import { LOCALE_COOKIE, LOCALES } from "@/lib/i18n/config";

const NAMES: Record<(typeof LOCALES)[number], string> = { en: "English", "zh-CN": "简体中文" };

/** Saves the language on the user (signed in) or only in the cookie (login page), then re-renders. */
export function LocaleSwitcher({ signedIn }: { signedIn: boolean }) {
  const t = useTranslations("nav");
  const locale = useLocale();
  const router = useRouter();
  const [pending, start] = useTransition();
  const change = (next: string) =>
    start(async () => {
      if (signedIn) await setLocaleAction(next);
      else document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(next)}; path=/; max-age=31536000; samesite=lax`;
      router.refresh();
    });
  return (
    <label className="inline-flex items-center gap-2 text-sm text-zinc-600">
      <span className="sr-only">{t("language")}</span>
      <select aria-label={t("language")} value={locale} disabled={pending} onChange={(e) => change(e.target.value)}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm">
        {LOCALES.map((l) => (
          <option key={l} value={l}>{NAMES[l]}</option>
        ))}
      </select>
    </label>
  );
}
