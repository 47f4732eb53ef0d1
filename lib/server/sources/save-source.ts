import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { encryptSecret, sealSecrets } from "../../secrets";
import type { TSource } from "../../validations/source";
import { diffViews, flattenForAudit, recordAudit } from "../audit/record-audit";
import { fieldError, isUniqueViolation, notFound } from "../errors";
import { firstDueAt } from "../sync/next-delay";
import { assertWritable, exactSecretChange, type FileWrite } from "../sources-file/managed";
import { givesSecret, mergeSecrets, splitSourceInput, toSourceView, type SourceView } from "./source-view";

/** The audit form of a view: no ids or timestamps; the secret only as set / not set. */
function auditable(view: SourceView) {
  const { id: _id, createdAt: _c, updatedAt: _u, schedule: _s, settings, ...rest } = view;
  const { kind: _k, ...location } = settings;
  return { ...rest, settings: location };
}

/**
 * The secret envelope to store after `input`, given what is stored now (null = nothing stored, or: the file's
 * reconciler, whose input is the whole truth, so nothing stored is kept). The rule is the kind's (mergeSecrets).
 */
const nextSecret = (input: TSource, stored: { kind: string; secret: string | null } | null): string | null => sealSecrets(mergeSecrets(input, stored));

/**
 * The webhook secret's envelope to store after `input` (sync on push, git sources only): a given value replaces
 * the stored one, "clear" removes it, blank keeps it (the sources file carries none: its sources keep theirs).
 */
function nextWebhookSecret(input: TSource, stored: string | null): string | null {
  if (input.kind !== "git") return null;
  if (input.webhookSecret) return encryptSecret(input.webhookSecret);
  return input.clearWebhookSecret ? null : stored;
}

/** The columns a create and an update write alike (plugin sets and managedBy are handled by each). */
function rowFields(input: TSource, secret: string | null, webhookSecret: string | null) {
  const { settings } = splitSourceInput(input);
  const { syncIntervalMinutes, activationPolicy, allowPlugins, denyPlugins } = input;
  return { name: input.name, kind: input.kind, description: input.description, enabled: input.enabled, settings, secret, webhookSecret, syncIntervalMinutes, activationPolicy, allowPlugins, denyPlugins };
}

/** Runs `fn` in the reconciler's transaction when it writes, else in a new one. */
async function inTransaction<T>(write: FileWrite | undefined, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return write ? fn(write.tx) : (await db()).$transaction(fn);
}

/**
 * Creates a source with its plugin sets and audits it, all in one transaction. `write` is internal to the
 * sources-file reconciler: the source is then managed by the file (and written in the reconciler's transaction).
 */
export async function createSource(input: TSource, actor: string, write?: FileWrite): Promise<SourceView> {
  const secret = nextSecret(input, null);
  try {
    return await inTransaction(write, async (tx) => {
      const row = await tx.pluginSource.create({
        data: {
          ...rowFields(input, secret, nextWebhookSecret(input, null)),
          managedBy: write?.managedBy ?? null,
          nextSyncAt: firstDueAt(input.syncIntervalMinutes),
          pluginSets: { create: input.pluginSets.map((set, position) => ({ ...set, position })) },
        },
        include: { pluginSets: true },
      });
      const view = toSourceView(row);
      await recordAudit(tx, { actor, action: "source.create", targetType: "source", targetId: row.id, targetName: row.name, summary: flattenForAudit(auditable(view)) as Prisma.InputJsonValue });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "errors.nameTaken", { name: input.name });
    throw err;
  }
}

/**
 * Replaces a source's configuration. Plugin sets are matched by submodule (kept rows keep their ids, for sync
 * history); a blank secret keeps the stored one; changing the kind drops the old kind's secret. A source managed
 * by PLUGIN_SOURCES_FILE is refused (409) unless the file's reconciler writes it (`write`, internal): its input is
 * then the whole truth (no secret given = none stored).
 */
export async function updateSource(id: string, input: TSource, actor: string, write?: FileWrite): Promise<SourceView> {
  try {
    return await inTransaction(write, async (tx) => {
      const before = await tx.pluginSource.findUnique({ where: { id }, include: { pluginSets: true } });
      if (!before) throw notFound();
      assertWritable(before.managedBy, write);
      const secret = nextSecret(input, write ? null : before);
      const keep = input.pluginSets.map((s) => s.submodule);
      await tx.pluginSet.deleteMany({ where: { sourceId: id, submodule: { notIn: keep } } });
      for (const [position, set] of input.pluginSets.entries()) {
        await tx.pluginSet.upsert({
          where: { sourceId_submodule: { sourceId: id, submodule: set.submodule } },
          create: { ...set, position, sourceId: id },
          update: { version: set.version, importModules: set.importModules, position },
        });
      }
      const row = await tx.pluginSource.update({
        where: { id },
        data: {
          ...rowFields(input, secret, nextWebhookSecret(input, before.webhookSecret)),
          ...(write ? { managedBy: write.managedBy } : {}),
          // A new interval (or a re-enabled source) starts counting now.
          ...(before.syncIntervalMinutes !== input.syncIntervalMinutes || before.enabled !== input.enabled
            ? { nextSyncAt: firstDueAt(input.syncIntervalMinutes), syncFailures: 0 }
            : {}),
        },
        include: { pluginSets: true },
      });
      const view = toSourceView(row);
      const changes: Record<string, unknown> = diffViews(auditable(toSourceView(before)), auditable(view));
      delete changes.secretSet;
      delete changes.webhookSecretSet;
      if (input.webhookSecret && input.kind === "git") changes.webhookSecret = before.webhookSecret ? "changed" : "set";
      else if (before.webhookSecret && !row.webhookSecret) changes.webhookSecret = "cleared";
      if (write) {
        const change = exactSecretChange(before.secret, mergeSecrets(input, null));
        if (change) changes.secret = change;
      } else {
        if (givesSecret(input) && before.secret && row.secret) changes.secret = "changed";
        else if (!before.secret && row.secret) changes.secret = "set";
        else if (before.secret && !row.secret) changes.secret = "cleared";
      }
      await recordAudit(tx, { actor, action: "source.update", targetType: "source", targetId: id, targetName: row.name, summary: changes as Prisma.InputJsonValue });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "errors.nameTaken", { name: input.name });
    throw err;
  }
}
