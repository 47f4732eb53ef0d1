import { useTranslations } from "next-intl";
import { Button, ButtonLink, Input, Select } from "@/components/ui";
import type { CataloguePage } from "@/lib/plugins/registry/catalogue";
import { textOf } from "@/lib/plugins/registry/registry";
import { CATALOGUE_STATUSES, type TCatalogueQuery } from "@/lib/validations/plugin-catalogue";

/**
 * The catalogue's search and filters: a plain GET form (the URL holds the state, so it works without JavaScript,
 * can be bookmarked and shared, and Back restores it). Submitting starts again at page 1.
 */
export function CatalogueFilter({ query, facets, locale }: { query: TCatalogueQuery; facets: CataloguePage["facets"]; locale: string }) {
  const t = useTranslations("catalogue");
  const field = "flex min-w-0 flex-col gap-1 text-xs font-medium text-zinc-600";
  return (
    <form method="get" action="/plugins" role="search" aria-label={t("searchLabel")} className="grid grid-cols-2 gap-3 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr_auto]" data-testid="catalogue-filter">
      <label className={`${field} col-span-2 lg:col-span-1`}>
        {t("search")}
        <Input type="search" name="q" defaultValue={query.q ?? ""} placeholder={t("searchPlaceholder")} maxLength={100} />
      </label>
      <label className={field}>
        {t("source")}
        <Select name="source" defaultValue={query.source ?? ""}>
          <option value="">{t("any")}</option>
          {facets.sources.map((s) => <option key={s} value={s}>{s === "builtin" ? t("builtin") : s}</option>)}
        </Select>
      </label>
      <label className={field}>
        {t("set")}
        <Select name="set" defaultValue={query.set ?? ""}>
          <option value="">{t("any")}</option>
          {facets.sets.map((s) => <option key={s} value={s}>{s}</option>)}
        </Select>
      </label>
      <label className={field}>
        {t("group")}
        <Select name="group" defaultValue={query.group ?? ""}>
          <option value="">{t("any")}</option>
          {facets.groups.map((g) => <option key={g.code} value={g.code}>{textOf(g.name, locale)} ({g.code})</option>)}
        </Select>
      </label>
      <label className={field}>
        {t("status")}
        <Select name="status" defaultValue={query.status ?? ""}>
          <option value="">{t("any")}</option>
          {CATALOGUE_STATUSES.map((s) => <option key={s} value={s}>{t(`statusValue.${s}`)}</option>)}
        </Select>
      </label>
      <div className="col-span-2 flex items-end gap-2 lg:col-span-1">
        <Button type="submit">{t("apply")}</Button>
        <ButtonLink href="/plugins" variant="ghost" prefetch={false}>{t("clear")}</ButtonLink>
      </div>
    </form>
  );
}
