/**
 * One instance's start up to serving (what startServer does before the runtime and the first sync), for the
 * concurrent first-start test: exits 0 once done, 1 with the reason when a step fails.
 */
import { closeDatabase } from "../../db";
import { prepareDatabase } from "../prepare-database";

prepareDatabase()
  .then(async () => {
    await closeDatabase();
    process.exit(0);
  })
  .catch((err: Error) => {
    console.error(`cannot start: ${err.message}`);
    process.exit(1);
  });
