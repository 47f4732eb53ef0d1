import { textOf } from "../contract";
import type { CatalogueFilter, CataloguePage } from "./catalogue";

/**
 * What the catalogue table receives: one page's rows with their texts in `locale`, and the pager's links (the same
 * search, another page; page 1 has no `page` parameter).
 */
export function catalogueView(result: CataloguePage, query: CatalogueFilter, locale: string) {
  const href = (page: number) => {
    const params = new URLSearchParams();
    for (const key of ["q", "source", "set", "group", "status"] as const) if (query[key]) params.set(key, String(query[key]));
    if (page > 1) params.set("page", String(page));
    const s = params.toString();
    return s ? `/plugins?${s}` : "/plugins";
  };
  return {
    rows: result.rows.map((r) => ({
      code: r.code,
      name: textOf(r.name, locale),
      description: r.description === undefined ? null : textOf(r.description, locale),
      group: `${textOf(r.group.name, locale)} (${r.group.code})`,
      latest: r.latest,
      older: r.versions - 1,
      where: r.set === null ? null : `${r.source}/${r.set}`,
      status: r.status,
    })),
    total: result.total,
    page: result.page,
    pages: result.pages,
    prev: result.page > 1 ? href(result.page - 1) : null,
    next: result.page < result.pages ? href(result.page + 1) : null,
  };
}
