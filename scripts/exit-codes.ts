/**
 * Exit codes of the CLIs that sync (`plugins:sync`, `release`), documented in the README. 75 is EX_TEMPFAIL of
 * sysexits.h ("try again later"), so a deploy script can retry a busy sync and stop on the others.
 */
export const EXIT = {
  ok: 0,
  /** Something failed: a source, a set, the run, the migrations. */
  failed: 1,
  /** The command cannot run as given or configured: arguments, environment, database connection, sources file. */
  usage: 2,
  /** Another sync holds the lease. */
  busy: 75,
} as const;
