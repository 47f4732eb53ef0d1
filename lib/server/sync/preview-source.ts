import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { db } from "../../db";
import type { TText } from "../../plugins/contract";
import { runSync, type SyncSourceInput } from "../../plugins/sync/run-sync";
import type { RefusedPlugin } from "../../plugins/sync/plugin-filter";
import { lineLogger } from "../../log";
import type { TSource } from "../../validations/source";
import { findBaseGeneration } from "../generations/find-base-generation";
import { mergeSecrets, splitSourceInput } from "../sources/source-view";
import { withFilter } from "./load-sync-sources";
import { buildSyncOptions } from "./sync-options";
import { englishSyncLog } from "../../i18n/sync-log";
import { getRuntime } from "../runtime/runtime";
import { previewGroupNames } from "./preview-group-names";

export interface PreviewPlugin {
  code: string;
  version: string;
  name: TText;
  /** The plugin's group, named as the picker names it (see previewGroupNames); shown in the reader's language. */
  group: { code: string; name: TText };
  set: string;
  change: "added" | "changed" | "unchanged";
}

export interface SourcePreview {
  revision: string | null;
  plugins: PreviewPlugin[];
  removed: { code: string; version: string; set: string }[];
  problems: { set: string; error: string }[];
  /** Plugins the source's allow/deny lists would leave out. */
  refused: (RefusedPlugin & { set: string })[];
}

/**
 * Fetches and describes a source as the form holds it (saved or not) without writing anything, and compares its
 * plugins with what the active generation has for that source. A blank secret on a saved source uses the stored one.
 */
export async function previewSource(input: TSource, existingId?: string): Promise<SourcePreview> {
  const prisma = await db();
  const existing = existingId ? await prisma.pluginSource.findUnique({ where: { id: existingId } }) : null;
  // The secrets a save would store (the same rule), so Preview fetches with exactly what Sync will use.
  const { settings } = splitSourceInput(input);
  const source = { name: input.name, kind: input.kind, settings, secret: mergeSecrets(input, existing), sets: withFilter(input.pluginSets, input) } as SyncSourceInput;
  const options = await buildSyncOptions();
  const previewLog = lineLogger({ component: "preview", source: input.name });
  const base = await findBaseGeneration(options.cache, (level, line) => previewLog(level, englishSyncLog(line)));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "opsflow-preview-"));
  try {
    const { manifest, results } = await runSync({
      runId: "preview",
      generation: 1,
      sources: [source],
      previous: null,
      ...options,
      workDir,
      dryRun: true,
      log: () => undefined,
    });
    const before = (base?.manifest.sets ?? []).filter((s) => s.source === (existing?.name ?? input.name)).flatMap((s) => s.plugins.map((p) => ({ ...p, set: s.submodule })));
    const key = (p: { code: string; version: string }) => `${p.code}@${p.version}`;
    const beforeByKey = new Map(before.map((p) => [key(p), p]));
    const serving = new Map(getRuntime().registry.list().map((g) => [g.code, g.name]));
    const groupNames = previewGroupNames(manifest.sets.flatMap((s) => s.plugins.map((p) => p.group)), serving);
    const plugins: PreviewPlugin[] = manifest.sets.flatMap((s) =>
      s.plugins.map((p) => {
        const old = beforeByKey.get(key(p));
        const change = !old ? "added" : JSON.stringify({ ...old, set: undefined }) === JSON.stringify(p) ? "unchanged" : "changed";
        const group = { code: p.group.code, name: groupNames.get(p.group.code) ?? p.group.name };
        return { code: p.code, version: p.version, name: p.name, group, set: s.submodule, change };
      }),
    );
    const now = new Set(plugins.map(key));
    return {
      revision: results[0]?.revision ?? null,
      plugins,
      refused: manifest.sets.flatMap((s) => (s.refused ?? []).map((r) => ({ ...r, set: s.submodule }))),
      removed: before.filter((p) => !now.has(key(p))).map((p) => ({ code: p.code, version: p.version, set: p.set })),
      problems: [
        ...(results[0]?.error ? [{ set: "*", error: results[0].error }] : []),
        ...manifest.failed.map((f) => ({ set: f.submodule, error: f.error })),
      ].filter((p, i, all) => all.findIndex((q) => q.error === p.error) === i),
    };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
