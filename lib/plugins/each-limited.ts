import pLimit from "p-limit";

/**
 * Runs `fn` over `items`, at most `concurrency` at a time (p-limit), and on the first failure starts no more items,
 * waits for the ones already running, then throws that first error. The waiting is the point: callers remove the
 * directory the items write into as soon as this returns, so nothing may still be writing. p-limit and p-map
 * reject at once and leave running items behind, so this adds only that (clearQueue + allSettled).
 */
export async function eachLimited<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  const limit = pLimit({ concurrency: Math.max(1, concurrency), rejectOnClear: true });
  let failure: { error: unknown } | undefined;
  await Promise.allSettled(
    items.map((item, index) =>
      limit(async () => {
        try {
          await fn(item, index);
        } catch (error) {
          failure ??= { error };
          limit.clearQueue();
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}
