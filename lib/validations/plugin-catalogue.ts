import { z } from "./zod";
import { line, ZIntText } from "./common";

/** A plugin's status in the catalogue: current (synced or unchanged; built-ins) or a last good copy kept by a failed sync. */
export const CATALOGUE_STATUSES = ["current", "lastGood"] as const;
export type CatalogueStatus = (typeof CATALOGUE_STATUSES)[number];

/** Rows per catalogue page: 1,000 plugins are 20 pages of well under 200 KB each. */
export const CATALOGUE_PAGE_SIZE = 50;

/**
 * The plugins page's URL search params (a GET form, so it works without JavaScript). Each is optional; an empty
 * value means "any". The page reports the names of those that do not parse and ignores them.
 */
export const ZCatalogueQuery = z.object({
  q: line(100).optional(),
  source: line(64).optional(),
  set: line(200).optional(),
  group: line(64).optional(),
  status: z.enum(CATALOGUE_STATUSES).optional(),
  page: ZIntText.pipe(z.number().min(1)).optional(),
});
export type TCatalogueQuery = z.output<typeof ZCatalogueQuery>;

/**
 * Parses search params field by field: what parses is kept, what does not is dropped and named in `invalid`
 * (a bad `page` must not hide the search the user typed). Repeated params take the first value.
 */
export function parseCatalogueQuery(params: Record<string, string | string[] | undefined>): { query: TCatalogueQuery; invalid: string[] } {
  const query: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const [key, schema] of Object.entries(ZCatalogueQuery.shape)) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === "") continue;
    const parsed = schema.safeParse(value);
    if (parsed.success && parsed.data !== "") query[key] = parsed.data;
    else if (!parsed.success) invalid.push(key);
  }
  return { query: query as TCatalogueQuery, invalid };
}
