import "server-only";
import { lineLogger, scrub } from "../../log";
import { recordExecution } from "../../metrics";
import { createExecutionPool, type ExecutionPool } from "../../plugins/host/pool";
import { hostSettings } from "./host-settings";

const log = lineLogger({ component: "runtime" });

/** A generation's pool of plugin hosts, with the limits and egress policy of the environment (host-settings.ts). */
export function newPool(name: string): ExecutionPool {
  const pool = createExecutionPool({ name, ...hostSettings().pool });
  // Every execution, from any caller (API, editor runs), is counted once here.
  const execute = pool.execute.bind(pool);
  pool.execute = async (req) => {
    const result = await execute(req);
    recordExecution(req.descriptor.code, result.status, result.durationMs / 1000);
    if (result.status !== "succeeded") {
      // Plugin errors may quote their inputs: the values of secret inputs (opened credentials) never reach the log.
      const secrets = req.descriptor.inputs.filter((f) => f.type === "secret").map((f) => req.inputs[f.key]).filter((v): v is string => typeof v === "string");
      log("warn", scrub(`plugin ${req.descriptor.code}@${req.descriptor.version} ${result.status}: ${result.error}`, secrets));
    }
    return result;
  };
  return pool;
}
