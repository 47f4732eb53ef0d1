import type { Manifest } from "../sync/manifest";
import { setKey } from "../sync/manifest";
import { compareVersions } from "./version";

/**
 * What activating one generation changes compared with another, from their manifests alone (no plugin code, no
 * cache files): the plugin versions each offers and how they differ. The one definition of "the plugins a
 * generation offers" — the plugins page, the activation dialog and the API dry run all count with it.
 */

/** A plugin version a generation offers, and the set it comes from. */
export interface OfferedPlugin {
  code: string;
  version: string;
  /** "source/submodule". */
  set: string;
  /** The set's revision and file content, so a version rebuilt from other files counts as changed. */
  fingerprint: string;
}

/**
 * The plugin versions a generation offers: every set's plugins (fresh, reused and last good copies), without the
 * code@version pairs the manifest lists as clashes (none of those loads). Built-ins are not in a manifest: every
 * generation has the same ones. Keyed "code@version".
 */
export function offeredPlugins(manifest: Manifest): Map<string, OfferedPlugin> {
  const clashed = new Set(manifest.clashes.map((c) => `${c.code}@${c.version}`));
  const out = new Map<string, OfferedPlugin>();
  for (const set of manifest.sets) {
    const fingerprint = `${set.revision}:${set.archive?.sha256 ?? set.files.map((f) => f.sha256).join(",")}`;
    for (const p of set.plugins) {
      const key = `${p.code}@${p.version}`;
      if (clashed.has(key)) continue;
      out.set(key, { code: p.code, version: p.version, set: setKey(set), fingerprint: `${fingerprint}:${JSON.stringify({ ...p, module: undefined })}` });
    }
  }
  return out;
}

/** One plugin code in a diff, with its versions before and after (newest first). */
export interface PluginChange {
  code: string;
  before: string[];
  after: string[];
}

export interface GenerationDiff {
  /** Codes the target offers and the current generation does not. */
  added: PluginChange[];
  /** Codes the current generation offers and the target does not. */
  removed: PluginChange[];
  /** Codes in both whose versions differ, or one of whose versions was rebuilt with other content. */
  changed: PluginChange[];
  /** Every code@version the current generation offers and the target does not: saved processes pinning one break. */
  removedVersions: string[];
}

const byCode = (plugins: Map<string, OfferedPlugin>) => {
  const out = new Map<string, string[]>();
  for (const p of plugins.values()) out.set(p.code, [...(out.get(p.code) ?? []), p.version]);
  for (const list of out.values()) list.sort((a, b) => compareVersions(b, a));
  return out;
};

/** How `to` differs from `from` (null: nothing is active, so everything is added), codes in order. */
export function diffGenerations(from: Manifest | null, to: Manifest): GenerationDiff {
  const before = from ? offeredPlugins(from) : new Map<string, OfferedPlugin>();
  const after = offeredPlugins(to);
  const a = byCode(before);
  const b = byCode(after);
  const diff: GenerationDiff = { added: [], removed: [], changed: [], removedVersions: [] };
  for (const code of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const was = a.get(code) ?? [];
    const is = b.get(code) ?? [];
    const change = { code, before: was, after: is };
    if (!was.length) diff.added.push(change);
    else if (!is.length) diff.removed.push(change);
    else if (was.join() !== is.join() || was.some((v) => before.get(`${code}@${v}`)!.fingerprint !== after.get(`${code}@${v}`)?.fingerprint)) diff.changed.push(change);
    for (const v of was) if (!is.includes(v)) diff.removedVersions.push(`${code}@${v}`);
  }
  return diff;
}
