import Link from "next/link";
import { useTranslations } from "next-intl";
import { Badge, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import type { CataloguePage } from "@/lib/plugins/registry/catalogue";
import { textOf } from "@/lib/plugins/registry/registry";
import type { TCatalogueQuery } from "@/lib/validations/plugin-catalogue";

/** The URL of another page of the same search (page 1 is left out). */
export function catalogueHref(query: TCatalogueQuery, page: number): string {
  const params = new URLSearchParams();
  for (const key of ["q", "source", "set", "group", "status"] as const) if (query[key]) params.set(key, String(query[key]));
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `/plugins?${s}` : "/plugins";
}

/** One page of catalogue rows, each linking to the plugin's page, and the pager. */
export function CatalogueTable({ result, query, locale }: { result: CataloguePage; query: TCatalogueQuery; locale: string }) {
  const t = useTranslations("catalogue");
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600" data-testid="catalogue-count" aria-live="polite">
        {t("matching", { count: result.total, page: result.page, pages: result.pages })}
      </p>
      <Table data-testid="catalogue">
        <THead>
          <TR>
            <TH>{t("colPlugin")}</TH>
            <TH className="hidden md:table-cell">{t("colGroup")}</TH>
            <TH>{t("colVersion")}</TH>
            <TH className="hidden md:table-cell">{t("colSource")}</TH>
            <TH>{t("colStatus")}</TH>
          </TR>
        </THead>
        <TBody>
          {result.rows.length === 0 && (
            <TR><TD colSpan={5} className="text-sm text-zinc-500">{t("none")}</TD></TR>
          )}
          {result.rows.map((p) => (
            <TR key={p.code}>
              <TD className="min-w-40">
                <Link href={`/plugins/${encodeURIComponent(p.code)}`} prefetch={false} className="font-medium text-indigo-700 hover:underline">{textOf(p.name, locale)}</Link>{" "}
                <span className="font-mono text-xs text-zinc-500">{p.code}</span>
                {p.description !== undefined && <p className="line-clamp-1 text-xs text-zinc-500">{textOf(p.description, locale)}</p>}
              </TD>
              <TD className="hidden text-sm md:table-cell">{textOf(p.group.name, locale)} ({p.group.code})</TD>
              <TD className="text-sm whitespace-nowrap">{p.latest}{p.versions > 1 && <span className="text-zinc-500"> {t("moreVersions", { count: p.versions - 1 })}</span>}</TD>
              <TD className="hidden font-mono text-xs md:table-cell">{p.source === "builtin" ? t("builtin") : p.source}{p.set ? `/${p.set}` : ""}</TD>
              <TD>{p.status === "lastGood" ? <Badge tone="amber">{t("statusValue.lastGood")}</Badge> : <Badge tone="green">{t("statusValue.current")}</Badge>}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {result.pages > 1 && (
        <nav aria-label={t("pages")} className="flex flex-wrap items-center gap-2 text-sm" data-testid="catalogue-pager">
          {result.page > 1 ? <Link rel="prev" prefetch={false} href={catalogueHref(query, result.page - 1)} className="rounded-md border border-zinc-200 px-3 py-1 hover:bg-zinc-50">{t("previous")}</Link> : null}
          <span className="text-zinc-600">{t("pageOf", { page: result.page, pages: result.pages })}</span>
          {result.page < result.pages ? <Link rel="next" prefetch={false} href={catalogueHref(query, result.page + 1)} className="rounded-md border border-zinc-200 px-3 py-1 hover:bg-zinc-50">{t("next")}</Link> : null}
        </nav>
      )}
    </div>
  );
}
