import { z } from "zod";
import type { SyncLogLine } from "../plugins/log-line";
import { translator, type Locale } from ".";

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

/** A translator for `syncLog.*` outside React (the CLI, the process log, tests), in `locale`. */
export function syncLogTranslator(locale: Locale): SyncLogTranslator {
  const t = translator(locale);
  const tr = ((key: string, values?: Record<string, string | number>) => t(`syncLog.${key}` as never, values as never)) as SyncLogTranslator;
  tr.has = (key: string) => t.has(`syncLog.${key}` as never);
  return tr;
}

/** The English line (CLI output, the process log, the stored `message`), from the same catalog. */
export const englishSyncLog = (line: SyncLogLine): string => syncLogText(syncLogTranslator("en"), { ...line, message: line.key });
