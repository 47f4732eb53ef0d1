/**
 * A sync log line as data: a key of the `syncLog` catalog namespace (messages/*.json) and its parameters. Lines are
 * stored like this and rendered in the reader's language (lib/i18n/sync-log.ts); the CLI and the process log get the
 * English rendering. Text that comes from outside (a remote's error, a path, a revision) is only ever a parameter,
 * never part of the message, so it is escaped like any other value where it is shown.
 */
export type SyncLogKey =
  | "started"
  | "revision"
  | "reused"
  | "fetched"
  | "setDescribed"
  | "setKept"
  | "setKeptSourceFailed"
  | "setLost"
  | "setLostSourceFailed"
  | "sourceFailed"
  | "clash"
  | "baseUnreadable"
  | "leaseLost"
  | "nothingChanged"
  | "nothingUsable"
  | "activated"
  | "ready"
  | "gcFailed"
  | "gcRemoved"
  | "finished"
  | "failed"
  | "abandoned"
  | "gitSubmoduleSkipped"
  | "gitFetched"
  | "fsSkippedGit"
  | "fsSkippedDestination"
  | "fsCopied"
  | "s3Empty"
  | "s3Fetched"
  | "httpFetched"
  | "gitSigned"
  | "httpSigned"
  | "s3Signed"
  | "pluginRefused"
  | "notActivatedPolicy";

export type SyncLogParams = Record<string, string | number>;

export interface SyncLogLine {
  key: SyncLogKey;
  params: SyncLogParams;
}

export const logLine = (key: SyncLogKey, params: SyncLogParams = {}): SyncLogLine => ({ key, params });
