// The describe host: a one-shot confined child process (see confinement.ts) that imports a plugin set's modules
// one at a time and sends back each module's exports as plain data. Plain ESM JavaScript, node built-ins only.
// Validation against the contract happens in the server (describe-set.ts), so nothing of the contract is here.
//
// From the server: { t: "describe", setDir, modules: [{ file }] }   (file: relative to setDir, "/"-separated)
// To the server:   { t: "ready" }, then per module { t: "loading", index } and { t: "module", index, ns | error,
//                  output }, then { t: "done", output }. `output` is what the modules wrote to the console since
//                  the last message. `ns` holds the namespace's `plugins` and `default` (the keys the module has)
//                  as structured-clone data; a function becomes { "\u0000t": "function" } and a symbol
//                  { "\u0000t": "symbol" } (revived in the server so the contract sees `typeof execute`).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { EXIT_MESSAGE, exitHost, firstLine, receive, send, setLogSink, socketUnref } from "./host-runtime.mjs";

const MAX_NODES = 200_000;
const MAX_CHARS = 8_000_000;
const MAX_DEPTH = 32;
const MAX_OUTPUT = 16 * 1024;
const TAG = "\u0000t";

let output = "";
let outputSize = 0;
setLogSink((line) => {
  if (outputSize >= MAX_OUTPUT) return;
  const text = `${line}\n`.slice(0, MAX_OUTPUT - outputSize);
  output += text;
  outputSize += text.length;
});
const takeOutput = () => {
  const text = output;
  output = "";
  return text;
};

// Errors a module throws asynchronously (timers, unhandled rejections) do not end the describe run.
process.on("uncaughtException", (e) => console.error(`uncaught: ${firstLine(e)}`));
process.on("unhandledRejection", (e) => console.error(`unhandled rejection: ${firstLine(e)}`));
// Describing is reading declarations: no network, not even through the server.
globalThis.fetch = () => Promise.reject(new TypeError("fetch failed: no network while plugins are described"));

class TooLarge extends Error {}

/** Converts an exported value to plain, structured-cloneable data (bounded in size and depth). */
function toPlain(value) {
  let nodes = 0;
  let chars = 0;
  const stack = new Set();
  const walk = (v, depth) => {
    if (++nodes > MAX_NODES) throw new TooLarge();
    switch (typeof v) {
      case "function":
        return { [TAG]: "function" };
      case "symbol":
        return { [TAG]: "symbol" };
      case "string":
        chars += v.length;
        if (chars > MAX_CHARS) throw new TooLarge();
        return v;
      case "object":
        break;
      default:
        return v; // number, boolean, bigint, undefined
    }
    if (v === null) return null;
    if (stack.has(v)) return "[Circular]";
    if (depth >= MAX_DEPTH) return "[too deep]";
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        const out = [];
        for (let i = 0; i < v.length; i++) out.push(walk(v[i], depth + 1));
        return out;
      }
      const out = {};
      for (const key of Object.keys(v)) out[key] = walk(v[key], depth + 1);
      return out;
    } finally {
      stack.delete(v);
    }
  };
  return walk(value, 0);
}

function namespaceOf(ns) {
  const out = {};
  if ("plugins" in ns) out.plugins = toPlain(ns.plugins);
  if ("default" in ns) out.default = toPlain(ns.default);
  return out;
}

function codeOf(e) {
  try {
    return e instanceof Error ? e.code : undefined;
  } catch {
    return undefined;
  }
}

async function describe({ setDir, modules }) {
  const setUrl = pathToFileURL(setDir).href.replace(/\/?$/, "/");
  const setPrefix = setDir.endsWith(path.sep) ? setDir : setDir + path.sep;
  // Paths inside the set are shown relative to it (the staging directory is nobody's business).
  const relative = (line) => line.split(setUrl).join("").split(setPrefix).join("");
  // Only pending plugin work keeps the host alive now: a top-level await that never settles ends it (code 13).
  socketUnref();
  for (let index = 0; index < modules.length; index++) {
    send({ t: "loading", index });
    let message;
    try {
      const url = pathToFileURL(path.join(setDir, ...modules[index].file.split("/"))).href;
      const ns = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url);
      message = { t: "module", index, ns: namespaceOf(ns) };
    } catch (e) {
      const line = relative(firstLine(e));
      message = {
        t: "module",
        index,
        error:
          e instanceof TooLarge
            ? "the exported plugins are too large to describe"
            : line === `Error: ${EXIT_MESSAGE}`
              ? "process.exit() called while loading"
              : codeOf(e) === "ERR_MODULE_NOT_FOUND"
                ? `module_not_found: ${line}`
                : line,
      };
    }
    try {
      send({ ...message, output: takeOutput() });
    } catch (e) {
      send({ t: "module", index, error: `cannot send the exports: ${firstLine(e)}`, output: takeOutput() });
    }
  }
  // Let callbacks the modules scheduled (setTimeout 0) run, so what they print is in the output.
  await new Promise((resolve) => setTimeout(resolve, 0));
  send({ t: "done", output: takeOutput() });
}

let started = false;
receive((m) => {
  if (started || m === null || typeof m !== "object" || m.t !== "describe") return;
  started = true;
  describe(m).catch((e) => {
    send({ t: "failed", error: firstLine(e) });
    exitHost(1);
  });
});
send({ t: "ready" });
