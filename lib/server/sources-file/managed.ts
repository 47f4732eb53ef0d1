import "server-only";
import path from "node:path";
import type { Prisma } from "@prisma/client";
import { openSecrets } from "../../secrets";
import { ExpectedError } from "../errors";

/**
 * Sources as code: rows declared in PLUGIN_SOURCES_FILE carry managedBy = "file:<path>" and are read-only in the UI.
 * Only the reconciler (./reconcile-sources-file.ts) writes them; it passes a FileWrite to the save/delete operations,
 * which refuse a managed row with 409 otherwise.
 */

const PREFIX = "file:";

/** How the reconciler writes: inside its one transaction, as the file. */
export interface FileWrite {
  /** "file:<path>": stored as managedBy (and used as the audit actor). */
  managedBy: string;
  /** The reconciler's transaction: every change of one file lands together or not at all. */
  tx: Prisma.TransactionClient;
}

/**
 * The managedBy value (and audit actor) for a file path. Relative to the working directory when the file lies inside
 * it, so `PLUGIN_SOURCES_FILE=config/sources.yaml` and `apply /srv/app/config/sources.yaml` (run in /srv/app) name the
 * same file, and a release directory that changes on every deploy does not change the identity.
 */
export function fileTag(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : abs;
  return `${PREFIX}${shown}`;
}

/** The file path of a managedBy value ("file:config/sources.yaml" → "config/sources.yaml"). */
export function fileOf(managedBy: string): string {
  return managedBy.startsWith(PREFIX) ? managedBy.slice(PREFIX.length) : managedBy;
}

/** Refuses a change to a managed row unless the file's reconciler makes it (409: change the file instead). */
export function assertWritable(managedBy: string | null | undefined, write: FileWrite | undefined): void {
  if (managedBy && !write) throw new ExpectedError(409, "errors.managedByFile", { file: fileOf(managedBy) });
}

/** Whether a stored envelope holds exactly `values` ({} = no secret). An unreadable envelope never matches. */
export function secretsEqual(envelope: string | null, values: Record<string, string>): boolean {
  if (!envelope) return Object.keys(values).length === 0;
  let stored: Record<string, string>;
  try {
    stored = openSecrets(envelope);
  } catch {
    return false;
  }
  const keys = Object.keys(values);
  return keys.length === Object.keys(stored).length && keys.every((k) => stored[k] === values[k]);
}

/** The audit word for a secret the file rewrote: set / changed / cleared, or nothing when it is the same. */
export function exactSecretChange(before: string | null, after: Record<string, string>): "set" | "changed" | "cleared" | undefined {
  const has = Object.keys(after).length > 0;
  if (!before) return has ? "set" : undefined;
  if (!has) return "cleared";
  return secretsEqual(before, after) ? undefined : "changed";
}
