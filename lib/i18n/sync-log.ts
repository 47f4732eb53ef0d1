import type { SyncLogLine } from "../plugins/log-line";
import { translator, type Locale } from ".";
import { syncLogText, type SyncLogTranslator } from "./sync-log-text";

export { syncLogText, type StoredSyncLog, type SyncLogTranslator } from "./sync-log-text";

// Kept apart from sync-log-text.ts, which client components import: this one loads both catalogs.

/** A translator for `syncLog.*` outside React (the CLI, the process log, tests), in `locale`. */
export function syncLogTranslator(locale: Locale): SyncLogTranslator {
  const t = translator(locale);
  const tr = ((key: string, values?: Record<string, string | number>) => t(`syncLog.${key}` as never, values as never)) as SyncLogTranslator;
  tr.has = (key: string) => t.has(`syncLog.${key}` as never);
  return tr;
}

/** The English line (CLI output, the process log, the stored `message`), from the same catalog. */
export const englishSyncLog = (line: SyncLogLine): string => syncLogText(syncLogTranslator("en"), { ...line, message: line.key });
