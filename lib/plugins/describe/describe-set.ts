import path from "node:path";
import { z } from "zod";
import { describePlugin, pluginsOf, type PluginDescriptor } from "../contract";
import { isSafeRelativePath } from "../safe-path";
import { shippedFile } from "../shipped-file";
import { isOutOfMemory, spawnHost, uncaughtLine } from "../host/spawn-host";

export interface DescribeOptions {
  /** Budget for the whole set (host start included). Default 15 s. */
  timeoutMs?: number;
  /** The host's old-generation heap cap. Default 128 MB. */
  maxHeapMb?: number;
  /** What the host may read: default the set directory; a batch of sets gives each set's directory. */
  read?: string[];
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

/** The describe host script (see shippedFile for where a deployment keeps it). */
export function describeHostFile(): string {
  return shippedFile("host/describe-host.mjs");
}

type Outcome = { ns: Record<string, unknown> } | { error: string };

/**
 * Imports a plugin set's modules in ONE describe host — a confined child process (see host/confinement.ts) that
 * may read the set and nothing else, with an empty environment, no network, heap and time capped, console output
 * captured — and validates what they export against the contract here. Plugin code never runs in the server
 * process. `modules[].file` is relative to `setDir` (as inspectSet returns it).
 *
 * Every failure is data in `errors`: an import error's first line ("SyntaxError: …"), a contract violation
 * ("plugins[1].inputs.0.type: …"), a duplicate code+version within the set (the first one wins), a timeout
 * ("timed out after N ms", given to every module not described yet), heap exhaustion ("exceeded the memory limit
 * (N MB)", likewise), process.exit() ("process.exit() called while loading": that module only), a host that dies
 * ("the describe host failed: …"; the modules after it are reported as not loaded).
 */
export async function describeSet(
  setDir: string,
  modules: { entry: string; file: string }[],
  opts: DescribeOptions = {},
): Promise<DescribeResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DESCRIBE_TIMEOUT_MS;
  const maxHeapMb = opts.maxHeapMb ?? DEFAULT_DESCRIBE_HEAP_MB;

  const outcomes: (Outcome | undefined)[] = modules.map((m) =>
    isSafeRelativePath(m.file) ? undefined : { error: `unsafe_path: "${m.file}" is not a relative path inside the set` },
  );
  const toLoad = modules.map((m, i) => ({ ...m, i })).filter((m) => outcomes[m.i] === undefined);
  let output = "";
  if (toLoad.length > 0) {
    const dir = path.resolve(setDir);
    const run = await runHost(dir, toLoad, opts.read ?? [dir], timeoutMs, maxHeapMb);
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

/** Turns the host's function/symbol markers back into a function / symbol, so the contract sees them. */
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

const ZHostMessage = z.discriminatedUnion("t", [
  z.object({ t: z.literal("loading"), index: z.number().int().nonnegative() }),
  z.object({ t: z.literal("module"), index: z.number().int().nonnegative(), ns: z.record(z.string(), z.unknown()).optional(), error: z.string().max(2_000).optional(), output: z.string().optional() }),
  z.object({ t: z.literal("done"), output: z.string().optional() }),
  z.object({ t: z.literal("failed"), error: z.string().max(2_000) }),
]);

/** Largest message a describe host may send (one module's exports). */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

function runHost(
  setDir: string,
  modules: { entry: string; file: string }[],
  read: string[],
  timeoutMs: number,
  maxHeapMb: number,
): Promise<{ outcomes: (Outcome | undefined)[]; output: string }> {
  return new Promise((resolve) => {
    const outcomes: (Outcome | undefined)[] = modules.map(() => undefined);
    let output = "";
    let done = false;
    let loading = -1;
    /** Why the host ended early; `all`: the set's budget ran out, so every module not described gets it. */
    let cause: { text: string; all: boolean } | undefined;
    const capture = (text: string | undefined) => {
      if (text && output.length < MAX_OUTPUT) output += text.slice(0, MAX_OUTPUT - output.length);
    };

    const host = spawnHost({
      script: describeHostFile(),
      read,
      cwd: setDir,
      heapMb: maxHeapMb,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      onMessage(raw) {
        const parsed = ZHostMessage.safeParse(raw);
        if (!parsed.success) {
          cause ??= { text: "the describe host sent a message outside the protocol", all: false };
          return host.kill(cause.text);
        }
        const m = parsed.data;
        if (m.t === "loading") loading = m.index;
        else if (m.t === "module" && m.index < outcomes.length && outcomes[m.index] === undefined) {
          capture(m.output);
          outcomes[m.index] = m.error !== undefined ? { error: m.error } : { ns: m.ns ?? {} };
          loading = -1;
        } else if (m.t === "done") {
          capture(m.output);
          done = true;
          host.kill("done"); // stop whatever timers the plugin code left behind
        } else if (m.t === "failed") {
          cause ??= { text: `the describe host failed: ${m.error}`, all: false };
        }
      },
    });
    host.ready.then(
      () => host.send({ t: "describe", setDir, modules: modules.map(({ file }) => ({ file })) }),
      () => undefined,
    );
    const timer = setTimeout(() => {
      if (done) return;
      cause ??= { text: `timed out after ${timeoutMs} ms`, all: true };
      host.kill(cause.text);
    }, timeoutMs);

    void host.exited.then((exit) => {
      clearTimeout(timer);
      if (!done) {
        const uncaught = uncaughtLine(exit.stderr);
        cause ??= isOutOfMemory(exit)
          ? { text: `exceeded the memory limit (${maxHeapMb} MB)`, all: true }
          : exit.reason && exit.reason !== "done"
            ? { text: exit.reason, all: false }
            : uncaught
              ? { text: `the describe host failed: ${uncaught}`, all: false }
              : loading >= 0 && (exit.code === 0 || exit.code === 13)
                ? { text: "top-level await never settled", all: false }
                : { text: `the describe host exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}) while loading`, all: false };
        outcomes.forEach((o, i) => {
          if (o !== undefined) return;
          const text =
            cause!.all || loading < 0 || i <= loading
              ? cause!.text
              : `not loaded: "${modules[loading].entry}" ended the describe host (${cause!.text})`;
          outcomes[i] = { error: text };
        });
      }
      resolve({ outcomes, output });
    });
  });
}
