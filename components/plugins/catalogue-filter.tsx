import { useTranslations } from "next-intl";
import { Button, ButtonLink, Input, Select } from "@/components/ui";
import type { CataloguePage } from "@/lib/plugins/registry/catalogue";
import { textOf } from "@/lib/plugins/registry/registry";
import { CATALOGUE_STATUSES, type TCatalogueQuery } from "@/lib/validations/plugin-catalogue";

const FIELD = "flex min-w-0 flex-col gap-1 text-xs font-medium text-zinc-600";

/** One filter: a select of the facet's values (value, label), "any" first. */
function Facet({ name, label, any, value, options }: { name: string; label: string; any: string; value: string | undefined; options: [string, string][] }) {
  return (
    <label className={FIELD}>
      {label}
      <Select name={name} defaultValue={value ?? ""}>
        <option value="">{any}</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </Select>
    </label>
  );
}

/**
 * The catalogue's search and filters: a plain GET form (the URL holds the state, so it works without JavaScript,
 * can be bookmarked and shared, and Back restores it). Submitting starts again at page 1.
 */
export function CatalogueFilter({ query, facets, locale }: { query: TCatalogueQuery; facets: CataloguePage["facets"]; locale: string }) {
  const t = useTranslations("catalogue");
  return (
    <form method="get" action="/plugins" role="search" aria-label={t("searchLabel")} className="grid grid-cols-2 gap-3 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr_auto]" data-testid="catalogue-filter">
      <label className={`${FIELD} col-span-2 lg:col-span-1`}>
        {t("search")}
        <Input type="search" name="q" defaultValue={query.q ?? ""} placeholder={t("searchPlaceholder")} maxLength={100} />
      </label>
      <Facet name="source" label={t("source")} any={t("any")} value={query.source} options={facets.sources.map((s) => [s, s === "builtin" ? t("builtin") : s])} />
      <Facet name="set" label={t("set")} any={t("any")} value={query.set} options={facets.sets.map((s) => [s, s])} />
      <Facet name="group" label={t("group")} any={t("any")} value={query.group} options={facets.groups.map((g) => [g.code, `${textOf(g.name, locale)} (${g.code})`])} />
      <Facet name="status" label={t("status")} any={t("any")} value={query.status} options={CATALOGUE_STATUSES.map((s) => [s, t(`statusValue.${s}`)])} />
      <div className="col-span-2 flex items-end gap-2 lg:col-span-1">
        <Button type="submit">{t("apply")}</Button>
        <ButtonLink href="/plugins" variant="ghost" prefetch={false}>{t("clear")}</ButtonLink>
      </div>
    </form>
  );
}
