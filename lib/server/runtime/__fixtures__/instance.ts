/**
 * A second "server instance" for the convergence test: runs the runtime's start-up load and DB polling against the
 * same database (DATABASE_URL) and prints the generation it serves whenever that changes.
 */
import { getRuntime, startRuntime } from "../runtime";

let last: number | null | undefined;
startRuntime();
setInterval(() => {
  const { generation } = getRuntime();
  if (generation !== last) {
    last = generation;
    console.log(JSON.stringify({ serving: generation, at: Date.now() }));
  }
}, 50);
