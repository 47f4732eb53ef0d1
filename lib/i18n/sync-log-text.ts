import { z } from "../validations/zod";

/** Parameters as stored (JSON): plain strings and numbers only, anything else is treated as a row without a key. */
const ZParams = z.record(z.string(), z.union([z.string(), z.number()]));

/** A stored log row: `key` + `params` since the sync_log_key migration, `message` (English) always. */
export interface StoredSyncLog {
  key?: string | null;
  params?: unknown;
  message: string;
}

/** The parts of a translator for the `syncLog` namespace used here (next-intl's, or use-intl's for the CLI). */
export interface SyncLogTranslator {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

/**
 * A stored line in the reader's language: its catalog key with its parameters when the catalog knows the key and the
 * parameters are plain values, else the English message it was stored with (rows from before keys, or from a newer
 * version). The result is text: callers render it as a text node, so a parameter from a remote is never markup.
 */
export function syncLogText(t: unknown, row: StoredSyncLog): string {
  const tr = t as SyncLogTranslator;
  const params = ZParams.safeParse(row.params ?? {});
  if (!row.key || !params.success || !tr.has(row.key)) return row.message;
  return tr(row.key, params.data);
}
