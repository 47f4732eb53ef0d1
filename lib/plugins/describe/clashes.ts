export interface SetDescriptors {
  /** Names the set in messages, e.g. "source/submodule". */
  key: string;
  descriptors: { code: string; version: string }[];
}

export interface Clash {
  code: string;
  version: string;
  /** The keys of the sets providing this code+version, in input order (each once). */
  sets: string[];
}

/**
 * The code+version pairs provided by more than one set (DESIGN: unique across all sources; a clash is reported,
 * never silently overwritten). Duplicates within one set are describeSet's to report and count once here.
 * Sorted by code, then version.
 */
export function findClashes(sets: SetDescriptors[]): Clash[] {
  const byPair = new Map<string, Clash>();
  for (const set of sets) {
    for (const { code, version } of set.descriptors) {
      const id = `${code}\u0000${version}`;
      let entry = byPair.get(id);
      if (!entry) byPair.set(id, (entry = { code, version, sets: [] }));
      if (!entry.sets.includes(set.key)) entry.sets.push(set.key);
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byPair.values()]
    .filter((c) => c.sets.length > 1)
    .sort((a, b) => cmp(a.code, b.code) || cmp(a.version, b.version));
}
