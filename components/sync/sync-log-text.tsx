import { useTranslations } from "next-intl";
import { syncLogText, type StoredSyncLog } from "@/lib/i18n/sync-log-text";

/** One sync log line in the reader's language (its English for rows stored before lines had keys). Text only. */
export function SyncLogText({ line }: { line: StoredSyncLog }) {
  return <>{syncLogText(useTranslations("syncLog"), line)}</>;
}
