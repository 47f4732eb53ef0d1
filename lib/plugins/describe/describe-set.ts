import { shippedFile } from "../shipped-file";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { describePlugin, pluginsOf, type PluginDescriptor } from "../contract";

export interface DescribeOptions {
  /** Budget for the whole set (worker start included). Default 15 s. */
  timeoutMs?: number;
  /** The worker's old-generation heap cap. Default 128 MB. */
  maxHeapMb?: number;
}

export type ModuleDescriptor = PluginDescriptor & { module: string };
export interface DescribeError {
  /** The import-module entry as written in the plugin set. */
  module: string;
  error: string;
}
export interface DescribeResult {
  /** Valid plugins, in module order then export order, each tagged with its module entry. */
  descriptors: ModuleDescriptor[];
  /** One line per failed module or rejected plugin. */
  errors: DescribeError[];
  /** What plugin code wrote to stdout/stderr while loading, cut to 16 KB (for the sync log; may be ignored). */
  output: string;
}

export const DEFAULT_DESCRIBE_TIMEOUT_MS = 15_000;
export const DEFAULT_DESCRIBE_HEAP_MB = 128;
const MAX_OUTPUT = 16 * 1024;
const TAG = "\u0000t";

/**
 * The worker script. `new URL("./worker.mjs", import.meta.url)` works under node, tsx and vitest; a bundler that
 * rewrites it to something that is not an existing file (e.g. a Next server bundle) falls back to
 * `<cwd>/lib/plugins/describe/worker.mjs`, so a deployment must ship that file next to the app.
 */
export function describeWorkerFile(): string {
  return shippedFile(import.meta.url, "describe/worker.mjs");
}

type Outcome = { ns: Record<string, unknown> } | { error: string };

/**
 * Imports a plugin set's modules in ONE worker thread (empty env, no execArgv, heap and time capped, console
 * output captured) and validates what they export against the contract in this thread. Plugin code never runs
 * in the calling thread. `modules[].file` is relative to `setDir` (as inspectSet returns it).
 *
 * Every failure is data in `errors`: an import error's first line ("SyntaxError: …"), a contract violation
 * ("plugins[1].inputs.0.type: …"), a duplicate code+version within the set (the first one wins), a timeout
 * ("timed out after N ms", given to every module not described yet), heap exhaustion ("exceeded the memory limit
 * (N MB)", likewise), process.exit() ("process.exit() called while loading"; the modules after it are reported
 * as not loaded).
 */
export async function describeSet(
  setDir: string,
  modules: { entry: string; file: string }[],
  opts: DescribeOptions = {},
): Promise<DescribeResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DESCRIBE_TIMEOUT_MS;
  const maxHeapMb = opts.maxHeapMb ?? DEFAULT_DESCRIBE_HEAP_MB;

  const outcomes: (Outcome | undefined)[] = modules.map((m) =>
    isSafeFile(m.file) ? undefined : { error: `unsafe_path: "${m.file}" is not a relative path inside the set` },
  );
  const toLoad = modules.map((m, i) => ({ ...m, i })).filter((m) => outcomes[m.i] === undefined);
  let output = "";
  if (toLoad.length > 0) {
    const run = await runWorker(path.resolve(setDir), toLoad, timeoutMs, maxHeapMb);
    run.outcomes.forEach((o, k) => (outcomes[toLoad[k].i] = o));
    output = run.output;
  }

  const descriptors: ModuleDescriptor[] = [];
  const errors: DescribeError[] = [];
  const seen = new Map<string, string>();
  modules.forEach(({ entry }, i) => {
    const outcome = outcomes[i] ?? { error: "not described" };
    if ("error" in outcome) {
      errors.push({ module: entry, error: outcome.error });
      return;
    }
    const ns = revive(outcome.ns) as Record<string, unknown>;
    const list = pluginsOf(ns);
    if (typeof list === "string") {
      errors.push({ module: entry, error: list });
      return;
    }
    if (list.length === 0) {
      errors.push({ module: entry, error: "the module exports no plugins" });
      return;
    }
    list.forEach((value, j) => {
      const label = "plugins" in ns ? `plugins[${j}]` : Array.isArray(ns.default) ? `default[${j}]` : "default";
      const result = describePlugin(value);
      if (!result.ok) {
        const error = result.error.startsWith("plugin: ") ? `${label}: ${result.error.slice(8)}` : `${label}.${result.error}`;
        errors.push({ module: entry, error });
        return;
      }
      const d = result.descriptor;
      try {
        JSON.stringify(d);
      } catch (e) {
        errors.push({ module: entry, error: `${label}: not JSON-serialisable (${(e as Error).message})` });
        return;
      }
      const key = `${d.code}\u0000${d.version}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          module: entry,
          error: `${label}: duplicate plugin ${d.code} version ${d.version} (already exported by "${first}")`,
        });
        return;
      }
      seen.set(key, entry);
      descriptors.push({ ...d, module: entry });
    });
  });
  return { descriptors, errors, output };
}

function isSafeFile(file: string): boolean {
  return (
    typeof file === "string" &&
    file !== "" &&
    !file.startsWith("/") &&
    !file.includes("\\") &&
    !file.includes("\0") &&
    file.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..")
  );
}

/** Turns the worker's function/symbol markers back into a function / symbol, so the contract sees them. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === TAG) {
      return (value as Record<string, unknown>)[TAG] === "function" ? function revived() {} : Symbol("revived");
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = revive((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.split("\n", 1)[0].trim().slice(0, 500);
}

type WorkerMessage = { type: "module"; index: number; ns?: Record<string, unknown>; error?: string } | { type: "done" };

function runWorker(
  setDir: string,
  modules: { entry: string; file: string }[],
  timeoutMs: number,
  maxHeapMb: number,
): Promise<{ outcomes: (Outcome | undefined)[]; output: string }> {
  return new Promise((resolve, reject) => {
    const state = new SharedArrayBuffer(8);
    const flags = new Int32Array(state);
    flags[0] = -1;
    const outcomes: (Outcome | undefined)[] = modules.map(() => undefined);
    let output = "";
    let done = false;
    /** Why the worker ended early; `all`: the set's budget ran out, so every module not described gets it. */
    let cause: { text: string; all: boolean } | undefined;

    let worker: Worker;
    try {
      // Reflect.construct, not `new Worker(path)`: Turbopack treats the latter as a bundler worker entry and, unable
      // to resolve a run-time path, pulls every file under lib/plugins (tests, fixtures) into the server build.
      worker = Reflect.construct(Worker, [describeWorkerFile(), {
        name: "opsflow-describe",
        workerData: { setDir, modules: modules.map(({ entry, file }) => ({ entry, file })), state },
        env: {},
        argv: [],
        execArgv: [],
        stdin: false,
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      }]) as Worker;
    } catch (e) {
      reject(e);
      return;
    }
    const capture = (chunk: Buffer | string) => {
      if (output.length < MAX_OUTPUT) output += String(chunk).slice(0, MAX_OUTPUT - output.length);
    };
    worker.stdout.on("data", capture);
    worker.stderr.on("data", capture);

    const timer = setTimeout(() => {
      if (done) return;
      cause ??= { text: `timed out after ${timeoutMs} ms`, all: true };
      void worker.terminate();
    }, timeoutMs);

    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "done") {
        done = true;
        void worker.terminate(); // stop whatever timers the plugin code left behind
      } else if (m.type === "module" && outcomes[m.index] === undefined) {
        outcomes[m.index] = typeof m.error === "string" ? { error: m.error } : { ns: m.ns ?? {} };
      }
    });
    worker.on("error", (e: Error & { code?: string }) => {
      if (done) return;
      cause ??=
        e.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? { text: `exceeded the memory limit (${maxHeapMb} MB)`, all: true }
          : { text: `the describe worker failed: ${firstLine(e)}`, all: false };
    });
    worker.on("exit", (code) => {
      clearTimeout(timer);
      if (!done) {
        const current = Atomics.load(flags, 0);
        cause ??=
          Atomics.load(flags, 1) === 1
            ? { text: "process.exit() called while loading", all: false }
            : code === 13
              ? { text: "top-level await never settled", all: false }
              : { text: `the describe worker exited (code ${code}) while loading`, all: false };
        outcomes.forEach((o, i) => {
          if (o !== undefined) return;
          const text =
            cause!.all || current < 0 || i <= current
              ? cause!.text
              : `not loaded: "${modules[current].entry}" ended the describe worker (${cause!.text})`;
          outcomes[i] = { error: text };
        });
      }
      resolve({ outcomes, output });
    });
  });
}
