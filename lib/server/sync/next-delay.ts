/** Longest back-off after failures in a row (or the interval itself when it is longer). */
export const BACKOFF_CAP_MS = 6 * 3600_000;
/** Jitter: up to 10% of the delay, at most 5 minutes, so sources saved together do not sync in lockstep. */
const JITTER_MAX_MS = 5 * 60_000;

/** The delay before a source's next scheduled sync after `failures` failures in a row: interval × 2^failures, capped, plus jitter. */
export function nextDelayMs(intervalMinutes: number, failures: number, random: () => number = Math.random): number {
  const interval = intervalMinutes * 60_000;
  const delay = Math.min(interval * 2 ** Math.min(failures, 20), Math.max(interval, BACKOFF_CAP_MS));
  return delay + Math.floor(random() * Math.min(delay * 0.1, JITTER_MAX_MS));
}

/** The first due time of a source given an interval now (null: not scheduled). */
export const firstDueAt = (intervalMinutes: number | null, now = new Date(), random: () => number = Math.random): Date | null =>
  intervalMinutes === null ? null : new Date(now.getTime() + nextDelayMs(intervalMinutes, 0, random));
