/**
 * A resource started once per process and kept on globalThis, so Next's dev-mode module reloads reuse it (one
 * database connection, one set of run workers). A start that fails is forgotten: the next get() starts again.
 */
export interface ProcessOnce<T> {
  /** The resource, started on first use. */
  get(): Promise<T>;
  /** The resource if started (or starting), forgotten from now on: the caller stops or closes it. */
  take(): Promise<T> | undefined;
  /** Tests: use this one instead (undefined: start afresh on the next get()). */
  set(value: T | undefined): void;
}

export function processOnce<T>(key: string, start: () => Promise<T>): ProcessOnce<T> {
  const g = globalThis as unknown as Record<string, Promise<T> | undefined>;
  return {
    get() {
      g[key] ??= start().catch((err) => {
        g[key] = undefined;
        throw err;
      });
      return g[key];
    },
    take() {
      const pending = g[key];
      g[key] = undefined;
      return pending;
    },
    set(value) {
      g[key] = value === undefined ? undefined : Promise.resolve(value);
    },
  };
}
