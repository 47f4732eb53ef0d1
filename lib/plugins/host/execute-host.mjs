// The execute host: a confined child process (see confinement.ts) that runs plugins' `execute(inputs, ctx)` for
// one plugin set, one call at a time, for as long as the server keeps it. Plain ESM JavaScript, node built-ins
// only. The server checks outputs against the descriptor (pool.ts); this side only reports what happened.
//
// From the server: { t: "call", id, file, code, version, inputs, timeoutMs, runId, nodeId, root, maxOutputBytes }
//                  { t: "abort", id }                   the call's time is up or it was cancelled: ctx.signal aborts
//                  { t: "fetched", id, fid, answer }    the answer to a ctx.fetch
// To the server:   { t: "ready" } once, then per call { t: "log", id, line } …, { t: "fetch", id, fid, request },
//                  { t: "fetchAbort", id, fid }, and last { t: "done", id, result, dropped }
//   result: { outputs } | { error: { name, message, stack } } | { timedOut: true }
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { firstLine, formatArgs, MAX_LOG_CHARS, receive, send, serverFetch, setLogSink } from "./host-runtime.mjs";

const MAX_LOG_LINES = 500;
const MAX_MESSAGE = 500;
const MAX_STACK_LINES = 10;

/** @type {null | { id: number, lines: number, dropped: number, fail: (e: unknown, how: string) => void, fetches: Map<number, (a: unknown) => void>, nextFetch: number, controller: AbortController }} */
let current = null;

function pushLog(call, line) {
  if (current !== call) return;
  if (call.lines >= MAX_LOG_LINES) {
    call.dropped++;
    return;
  }
  call.lines++;
  send({ t: "log", id: call.id, line: line.length > MAX_LOG_CHARS ? `${line.slice(0, MAX_LOG_CHARS)}…` : line });
}
setLogSink((line) => current && pushLog(current, line));

process.on("uncaughtException", (e) => current?.fail(e, "uncaught exception"));
process.on("unhandledRejection", (e) => current?.fail(e, "unhandled rejection"));

/** ctx.fetch (and the global fetch, for libraries that use it) for the call running now. */
function fetchFor(call) {
  return serverFetch((request, signal) => {
    if (current !== call) return Promise.resolve({ error: "the call this request belongs to has ended" });
    const fid = ++call.nextFetch;
    return new Promise((resolve) => {
      call.fetches.set(fid, resolve);
      send({ t: "fetch", id: call.id, fid, request });
      signal?.addEventListener(
        "abort",
        () => {
          if (!call.fetches.delete(fid)) return;
          send({ t: "fetchAbort", id: call.id, fid });
          resolve({ error: `aborted: ${firstLine(signal.reason ?? "aborted")}` });
        },
        { once: true },
      );
    });
  });
}
globalThis.fetch = (input, init) => {
  if (current === null) return Promise.reject(new TypeError("fetch failed: no call is running"));
  return current.fetch(input, init);
};

// ---- modules and plugins ------------------------------------------------------------------------------------
const modules = new Map();
const pluginCache = new Map();
class PluginError extends Error {}

function importModule(file) {
  let ns = modules.get(file);
  if (ns === undefined) {
    ns = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ pathToFileURL(file).href);
    modules.set(file, ns);
    ns.catch(() => modules.delete(file));
  }
  return ns;
}

function pluginsOf(ns) {
  if ("plugins" in ns) return Array.isArray(ns.plugins) ? ns.plugins : [];
  if ("default" in ns) return Array.isArray(ns.default) ? ns.default : [ns.default];
  return [];
}

async function findPlugin(file, code, version) {
  const key = `${file}\u0000${code}\u0000${version}`;
  const cached = pluginCache.get(key);
  if (cached !== undefined) return cached;
  const plugin = pluginsOf(await importModule(file)).find(
    (p) => p !== null && typeof p === "object" && p.code === code && p.version === version,
  );
  if (plugin === undefined) throw new PluginError(`the module does not export plugin ${code} version ${version}`);
  if (typeof plugin.execute !== "function") throw new PluginError(`plugin ${code} version ${version}: execute is not a function`);
  pluginCache.set(key, plugin);
  return plugin;
}

// ---- errors -------------------------------------------------------------------------------------------------
function describeError(e, root, prefix = "") {
  let name = "Error";
  let message;
  let stack = "";
  try {
    if (e instanceof Error || (e !== null && typeof e === "object" && "message" in e)) {
      name = typeof e.name === "string" && e.name ? e.name : "Error";
      message = String(e.message);
      stack = typeof e.stack === "string" ? e.stack : "";
    } else {
      message = String(e);
    }
  } catch {
    message = "a value that cannot be shown";
  }
  if (e instanceof PluginError) name = "Error";
  message = `${prefix}${message.split("\n", 1)[0].trim()}`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  return { name, message, stack: cleanStack(stack, root, `${name}: ${message}`) };
}

/** The first line, then up to 9 frames inside the plugin set, shown relative to it (other frames dropped). */
function cleanStack(stack, root, head) {
  const rootDir = root.endsWith(path.sep) ? root : root + path.sep;
  const rootUrl = pathToFileURL(rootDir).href;
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && (line.includes(rootUrl) || line.includes(rootDir)))
    .map((line) => line.split(rootUrl).join("").split(rootDir).join(""))
    .slice(0, MAX_STACK_LINES - 1);
  return [head, ...frames].join("\n");
}

/** Why the outputs cannot travel back (not cloneable, or over the size limit), or null. */
function unsendable(outputs, maxBytes) {
  let size;
  try {
    size = v8.serialize(outputs).length;
  } catch (e) {
    return `execute returned a value that cannot be sent back (${firstLine(e).replace(/^\w*Error: /, "")})`;
  }
  return size > maxBytes ? `the outputs are ${size} bytes, over the ${maxBytes}-byte limit` : null;
}

// ---- calls --------------------------------------------------------------------------------------------------
async function run(message) {
  const { id, file, code, version, inputs, timeoutMs, runId, nodeId, root, maxOutputBytes } = message;
  const base = typeof root === "string" && root !== "" ? root : path.dirname(file);
  const controller = new AbortController();
  let failCall = () => {};
  const failed = new Promise((resolve) => (failCall = resolve));
  const call = {
    id,
    lines: 0,
    dropped: 0,
    controller,
    fetches: new Map(),
    nextFetch: 0,
    fail: (error, how) => failCall({ error, how }),
  };
  call.fetch = fetchFor(call);
  current = call;
  const timer =
    Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs)
      : undefined;
  const ctx = Object.freeze({
    log: (...args) => pushLog(call, formatArgs(args)),
    fetch: call.fetch,
    runId: runId ?? null,
    nodeId: nodeId ?? null,
    signal: controller.signal,
  });

  let result;
  try {
    const running = (async () => {
      const plugin = await findPlugin(file, code, version);
      return { outputs: await plugin.execute(inputs, ctx) };
    })();
    const outcome = await Promise.race([running, failed]);
    if (controller.signal.aborted) result = { timedOut: true };
    else if ("how" in outcome) result = { error: describeError(outcome.error, base, `${outcome.how}: `) };
    else {
      const why = unsendable(outcome.outputs, maxOutputBytes);
      result = why ? { error: describeError(new PluginError(why), base) } : { outputs: outcome.outputs };
    }
  } catch (e) {
    result = controller.signal.aborted ? { timedOut: true } : { error: describeError(e, base) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    current = null;
    for (const resolve of call.fetches.values()) resolve({ error: "the call has ended" });
  }
  send({ t: "done", id, result, dropped: call.dropped });
}

receive((m) => {
  if (m === null || typeof m !== "object") return;
  if (m.t === "call" && current === null) void run(m);
  else if (m.t === "abort" && current?.id === m.id) {
    current.controller.abort(new DOMException(m.reason ?? "cancelled", m.reason ? "TimeoutError" : "AbortError"));
  } else if (m.t === "fetched" && current?.id === m.id) {
    const resolve = current.fetches.get(m.fid);
    if (resolve) {
      current.fetches.delete(m.fid);
      resolve(m.answer);
    }
  }
});
send({ t: "ready" });
