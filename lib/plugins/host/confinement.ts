import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/**
 * How plugin hosts are confined on this machine, found out once per process. Every host is a child process of the
 * server started with Node's permission model (read access to its own scripts and one plugin set, no writes, no
 * child processes, workers, addons, WASI or inspector), an empty environment and a heap cap. Where Linux user and
 * network namespaces can be made (`unshare -rn`), the host also gets a network namespace of its own with no
 * interface up: no socket it opens reaches anything, so its only way out is `ctx.fetch`, which the server performs
 * under the egress policy. Where they cannot (some containers forbid user namespaces), raw sockets from plugin code
 * reach whatever the server's network reaches: that is reported as degraded, not hidden.
 */
export interface Confinement {
  /** Node's permission flag used for hosts: `--permission` (Node 22.13+, 23.5+, 24) or `--experimental-permission`. */
  permissionFlag: "--permission" | "--experimental-permission";
  /** Files: read access to the host's own scripts and its plugin set only; no writes anywhere. */
  files: "own-set-only";
  /** Environment: hosts start with an empty one; none of the server's variables. */
  environment: "empty";
  /** Child processes, worker threads, native addons, WASI and the inspector are refused by the permission model. */
  processes: "blocked";
  /** isolated: own network namespace, no interface; open: raw sockets possible (ctx.fetch is still policed). */
  network: "isolated" | "open";
  /** Why the network is open (null when isolated). */
  networkProblem: string | null;
  /** The plugin hosts die with the server (parent-death signal through setpriv), even on kill -9. */
  diesWithServer: boolean;
  /** The program hosts are started with and its leading arguments (then node, its flags and the host script). */
  launcher: { command: string; args: string[] };
}

/** What a host's environment holds: nothing (typed as the environment, which Next declares with NODE_ENV). */
export const NO_ENV: NodeJS.ProcessEnv = Object.freeze(Object.create(null));

let detected: Confinement | undefined;
let requireNetworkIsolation = false;

/**
 * Refuse to start hosts at all when the network cannot be isolated (PLUGIN_REQUIRE_NETWORK_ISOLATION=1), rather
 * than run plugin code with raw network access.
 */
export function configureHosts(opts: { requireNetworkIsolation: boolean }): void {
  requireNetworkIsolation = opts.requireNetworkIsolation;
}

/** Why no host may start now (the required isolation is missing), or null. */
export function hostsRefused(): string | null {
  const c = confinement();
  if (!requireNetworkIsolation || c.network === "isolated") return null;
  return `plugin hosts need network isolation (PLUGIN_REQUIRE_NETWORK_ISOLATION=1) but it is not available: ${c.networkProblem}`;
}

/** The confinement hosts get on this machine (detected on first call, then remembered). */
export function confinement(): Confinement {
  detected ??= detect();
  return detected;
}

/** For tests: forget what was detected (e.g. after changing PATH). */
export function resetConfinement(): void {
  detected = undefined;
}

/** `--permission` is stable from Node 22.13 / 23.5; Node 20 only has `--experimental-permission`. */
export function permissionFlagFor(version: string): Confinement["permissionFlag"] {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  if (major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)) return "--permission";
  return "--experimental-permission";
}

function detect(): Confinement {
  const permissionFlag = permissionFlagFor(process.version);
  const unshare = findProgram("unshare");
  const setpriv = findProgram("setpriv");
  let network: Confinement["network"] = "open";
  let networkProblem: string | null = null;
  if (process.platform !== "linux") {
    networkProblem = `network namespaces need Linux (this is ${process.platform})`;
  } else if (!unshare) {
    networkProblem = "the unshare program (util-linux) is not installed";
  } else {
    // A real host start: the same program, flags and node the hosts use, asked to report what it sees.
    const probe = spawnSync(unshare, ["-rn", process.execPath, "-e", "process.stdout.write(String(require('os').networkInterfaces().lo?.length ?? 0))"], {
      env: NO_ENV,
      encoding: "utf8",
      timeout: 10_000,
    });
    if (probe.status === 0) network = "isolated";
    else networkProblem = `unshare -rn refused: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split("\n", 1)[0]}`;
  }
  let diesWithServer = false;
  if (setpriv) {
    const probe = spawnSync(setpriv, ["--pdeathsig", "KILL", process.execPath, "-e", "0"], { env: NO_ENV, timeout: 10_000 });
    diesWithServer = probe.status === 0;
  }
  const head: string[] = [];
  if (diesWithServer) head.push(setpriv!, "--pdeathsig", "KILL");
  if (network === "isolated") head.push(unshare!, "-rn");
  const launcher = head.length ? { command: head[0], args: head.slice(1) } : { command: process.execPath, args: [] };
  return { permissionFlag, files: "own-set-only", environment: "empty", processes: "blocked", network, networkProblem, diesWithServer, launcher };
}

/**
 * An executable on the server's PATH (hosts get an empty environment, so the launcher is spawned by absolute path).
 * PATH is the operating system's, not Opsflow configuration.
 */
function findProgram(name: string): string | null {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export interface HostCommandOptions {
  /** The host script (an absolute path). */
  script: string;
  /** Directories or files the host may read besides its script's directory (the plugin set). */
  read: string[];
  /** Old-generation heap cap in MB. */
  heapMb: number;
}

/**
 * The command that starts one confined host. Node itself comes after the launcher (setpriv, unshare), so it is the
 * same process: what the server kills or watches is the host.
 */
export function hostCommand(opts: HostCommandOptions): { command: string; args: string[] } {
  const c = confinement();
  const reads = [path.dirname(opts.script), ...opts.read].map((p) => `--allow-fs-read=${path.resolve(p)}`);
  const node = [
    process.execPath,
    c.permissionFlag,
    ...reads,
    `--max-old-space-size=${Math.max(8, Math.floor(opts.heapMb))}`,
    "--max-semi-space-size=8",
    "--no-addons",
    "--no-deprecation",
    "--no-warnings",
    opts.script,
  ];
  if (c.launcher.command === process.execPath) return { command: process.execPath, args: node.slice(1) };
  return { command: c.launcher.command, args: [...c.launcher.args, ...node] };
}

/** One line for the logs and the plugins page: what is in force, and what is not. */
export function describeConfinement(c: Confinement): string {
  const net = c.network === "isolated" ? "no network of their own (network namespace), ctx.fetch under the egress policy" : `network OPEN to raw sockets (${c.networkProblem}); ctx.fetch under the egress policy`;
  return `plugin hosts: child processes under Node's permission model (${c.permissionFlag}): read access to their own set only, no writes, no child processes/workers/addons; empty environment; ${net}`;
}
