import "server-only";
import { pluginEnv } from "../../env";
import { lineLogger } from "../../log";
import type { DescribeOptions } from "../../plugins/describe/describe-set";
import { confinement, configureHosts, describeConfinement, type Confinement } from "../../plugins/host/confinement";
import { DEFAULT_FETCH_MAX_BYTES, DEFAULT_FETCH_TIMEOUT_MS } from "../../plugins/host/egress";
import { DEFAULT_MAX_HOSTS, type ExecutionPoolOptions } from "../../plugins/host/pool";

export interface HostSettings {
  /** Options of every generation's execution pool (all but its name). */
  pool: Omit<ExecutionPoolOptions, "name">;
  /** Options of describe hosts at sync and in Preview. */
  describe: DescribeOptions;
  confinement: Confinement;
}

const g = globalThis as unknown as { __opsflowHostSettings?: HostSettings };
const log = lineLogger({ component: "plugin-hosts" });

/**
 * The plugin hosts' settings from the environment, read and checked once per process (a bad value throws one line
 * naming the variable), and the confinement this machine gives them — logged once, at WARN when it is degraded.
 */
export function hostSettings(): HostSettings {
  if (g.__opsflowHostSettings) return g.__opsflowHostSettings;
  const e = pluginEnv();
  configureHosts({ requireNetworkIsolation: e.PLUGIN_REQUIRE_NETWORK_ISOLATION ?? false });
  const c = confinement();
  const maxHosts = e.PLUGIN_MAX_HOSTS ?? DEFAULT_MAX_HOSTS;
  const settings: HostSettings = {
    pool: {
      maxHosts,
      maxPerUser: e.PLUGIN_MAX_RUNS_PER_USER ?? Math.max(1, Math.floor(maxHosts / 2)),
      timeoutMs: e.PLUGIN_TIMEOUT_MS,
      heapMb: e.PLUGIN_HEAP_MB,
      maxLogLines: e.PLUGIN_LOG_MAX_LINES,
      maxOutputBytes: e.PLUGIN_OUTPUT_MAX_BYTES,
      egress: {
        ...e.egress,
        maxBytes: e.PLUGIN_FETCH_MAX_BYTES ?? DEFAULT_FETCH_MAX_BYTES,
        timeoutMs: e.PLUGIN_FETCH_TIMEOUT_MS ?? DEFAULT_FETCH_TIMEOUT_MS,
        maxRedirects: 5,
      },
    },
    describe: { timeoutMs: e.SYNC_DESCRIBE_TIMEOUT_MS, maxHeapMb: e.PLUGIN_HEAP_MB },
    confinement: c,
  };
  g.__opsflowHostSettings = settings;
  if (c.network === "isolated") log("info", describeConfinement(c));
  else log("warn", `${describeConfinement(c)}${e.PLUGIN_REQUIRE_NETWORK_ISOLATION ? "; PLUGIN_REQUIRE_NETWORK_ISOLATION=1: no plugin code will run" : ""}`);
  return settings;
}

/** For tests: read the environment again at the next call. */
export function resetHostSettings(): void {
  g.__opsflowHostSettings = undefined;
}
