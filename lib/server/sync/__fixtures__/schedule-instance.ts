/**
 * One "server instance" for the two-instance schedule test: on the database in DATABASE_URL, runs one scheduler
 * tick at the fake time given as argv[2] (ISO) with no jitter, waits for its run, and prints what it claimed.
 */
import { closeDatabase } from "../../../db";
import { tickScheduler } from "../scheduler";

const at = new Date(process.argv[2]);
tickScheduler({ now: () => at, random: () => 0 })
  .then(async (tick) => {
    await tick.done;
    console.log(JSON.stringify({ claimed: tick.claimed, runId: tick.runId }));
    await closeDatabase();
    process.exit(0);
  })
  .catch((err: Error) => {
    console.error(`tick failed: ${err.message}`);
    process.exit(1);
  });
