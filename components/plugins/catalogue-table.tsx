"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { Badge, Table, TBody, TD, TH, THead, TR } from "@/components/ui";

/** A catalogue row as shown: texts already in the reader's language (the server resolves them). */
export interface CatalogueRowView {
  code: string;
  name: string;
  description: string | null;
  group: string;
  latest: string;
  /** Older versions besides the latest. */
  older: number;
  /** "source/set", or null for a built-in. */
  where: string | null;
  status: "current" | "lastGood";
}

/**
 * One page of catalogue rows, each linking to the plugin's page, and the pager. A client component on purpose:
 * the React payload then carries the rows as data (about 150 bytes each) instead of their element tree (about
 * 1.2 KB each), which is what keeps the page under 200 KB with 1,000 plugins. It renders on the server all the
 * same (no JavaScript needed to read it), and holds no state.
 */
export function CatalogueTable({ rows, total, page, pages, prev, next }: { rows: CatalogueRowView[]; total: number; page: number; pages: number; prev: string | null; next: string | null }) {
  const t = useTranslations("catalogue");
  const pagerLink = "rounded-md border border-zinc-200 px-3 py-1 hover:bg-zinc-50";
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600" data-testid="catalogue-count" aria-live="polite">
        {t("matching", { count: total, page, pages })}
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
          {rows.length === 0 && (
            <TR><TD colSpan={5} className="text-sm text-zinc-500">{t("none")}</TD></TR>
          )}
          {rows.map((p) => (
            <TR key={p.code}>
              <TD className="min-w-40">
                <Link href={`/plugins/${encodeURIComponent(p.code)}`} prefetch={false} className="font-medium text-indigo-700 hover:underline">{p.name}</Link>{" "}
                <span className="font-mono text-xs text-zinc-500">{p.code}</span>
                {p.description !== null && <p className="line-clamp-1 text-xs text-zinc-500">{p.description}</p>}
              </TD>
              <TD className="hidden text-sm md:table-cell">{p.group}</TD>
              <TD className="text-sm whitespace-nowrap">{p.latest}{p.older > 0 && <span className="text-zinc-500"> {t("moreVersions", { count: p.older })}</span>}</TD>
              <TD className="hidden font-mono text-xs md:table-cell">{p.where ?? t("builtin")}</TD>
              <TD>{p.status === "lastGood" ? <Badge tone="amber">{t("statusValue.lastGood")}</Badge> : <span className="text-xs text-green-700">{t("statusValue.current")}</span>}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {pages > 1 && (
        <nav aria-label={t("pages")} className="flex flex-wrap items-center gap-2 text-sm" data-testid="catalogue-pager">
          {prev && <Link rel="prev" prefetch={false} href={prev} className={pagerLink}>{t("previous")}</Link>}
          <span className="text-zinc-600">{t("pageOf", { page, pages })}</span>
          {next && <Link rel="next" prefetch={false} href={next} className={pagerLink}>{t("next")}</Link>}
        </nav>
      )}
    </div>
  );
}
