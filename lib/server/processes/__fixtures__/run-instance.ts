/**
 * A server instance for the multi-instance run tests: on the database in DATABASE_URL it loads the active
 * generation, follows activations and executes process node jobs from the queue, like `npm start` does. It prints
 * `{"instance": <INSTANCE_ID>, "pid": …}` once its workers fetch jobs.
 */
import { startRunWorkers } from "../../jobs/job-worker";
import { INSTANCE_ID } from "../../jobs/queue";
import { startRuntime } from "../../runtime/runtime";

startRuntime();
void startRunWorkers().then(() => console.log(JSON.stringify({ instance: INSTANCE_ID, pid: process.pid })));
