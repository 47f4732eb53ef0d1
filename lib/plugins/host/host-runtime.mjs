// What both plugin hosts (describe-host.mjs, execute-host.mjs) set up before any plugin code runs: the channel to
// the server on fd 3, guards on the process-wide calls a plugin could pull by accident, console capture, and the
// fetch that goes through the server. Plain ESM JavaScript, node built-ins only: the host is a child process under
// Node's permission model that may read this directory and its plugin set, nothing else (see confinement.ts).
//
// The confinement does not rest on anything here: plugin code runs in this same process and can undo all of it.
// What it cannot undo is the permission model, the empty environment and the network namespace, which the server
// set when it started the process. These guards make honest mistakes (process.exit, console.log) behave well.
import net from "node:net";
import { formatWithOptions } from "node:util";
import { encodeFrame, FrameReader } from "./frames.mjs";

const MAX_IN_FRAME = 64 * 1024 * 1024;
export const MAX_LOG_CHARS = 2_000;

// Kept before plugin code can replace them.
const reallyExit = process.reallyExit.bind(process);
const nodeExit = process.exit;

// ---- channel ------------------------------------------------------------------------------------------------
const socket = new net.Socket({ fd: 3, readable: true, writable: true });
const reader = new FrameReader(MAX_IN_FRAME);
let onMessage = () => {};

/** Sends one message to the server (structured-clone data). */
export function send(message) {
  socket.write(encodeFrame(message));
}

/** Lets the host end once nothing but the channel keeps it alive (messages being written still go out). */
export function socketUnref() {
  socket.unref();
}

/** Sets the handler of messages from the server. */
export function receive(handler) {
  onMessage = handler;
}

socket.on("data", (chunk) => {
  let messages;
  try {
    messages = reader.push(chunk);
  } catch {
    reallyExit(70);
    return;
  }
  for (const m of messages) onMessage(m);
});
// The server went away (or closed the channel): nothing more to do. The parent-death signal covers a server
// killed while plugin code blocks this event loop.
socket.on("end", () => reallyExit(0));
socket.on("close", () => reallyExit(0));
socket.on("error", () => reallyExit(0));

// ---- process guards -----------------------------------------------------------------------------------------
// process.exit() would end the host and with it the call: turn it into an exception the call reports. Node's own
// exit after an uncaught exception that nobody handles (the plugin removed our listener) goes through.
export const EXIT_MESSAGE = "process.exit() called by the plugin";
function guard(original) {
  return function guardedExit(...args) {
    if (process._exiting === true) return original.apply(process, args);
    throw new Error(EXIT_MESSAGE);
  };
}
process.exit = guard(nodeExit);
process.reallyExit = guard(reallyExit);
function guardedKill() {
  throw new Error("process.kill() is not available to plugins");
}
process.kill = guardedKill;
process._kill = guardedKill;
process.abort = function abort() {
  throw new Error("process.abort() is not available to plugins");
};

// ---- console and stray output -------------------------------------------------------------------------------
let logSink = null;

/** Where console output and ctx.log lines go (null: dropped). */
export function setLogSink(sink) {
  logSink = sink;
}

export function formatArgs(args) {
  try {
    const options = { depth: 4, breakLength: Infinity, maxArrayLength: 50, maxStringLength: MAX_LOG_CHARS };
    return formatWithOptions(options, ...args);
  } catch {
    return "[a value that cannot be shown]";
  }
}

for (const method of ["log", "info", "debug", "trace", "warn", "error"]) {
  console[method] = (...args) => logSink?.(formatArgs(args));
}
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    for (const line of text.split("\n")) if (line !== "") logSink?.(line.slice(0, MAX_LOG_CHARS));
    const cb = typeof encoding === "function" ? encoding : callback;
    if (typeof cb === "function") queueMicrotask(cb);
    return true;
  };
}

// ---- errors -------------------------------------------------------------------------------------------------
export function firstLine(e) {
  let text;
  try {
    if (e instanceof Error || (e !== null && typeof e === "object" && "message" in e)) {
      const name = typeof e.name === "string" && e.name ? e.name : "Error";
      text = `${name}: ${String(e.message)}`;
    } else {
      text = String(e);
    }
  } catch {
    text = "a value that cannot be shown";
  }
  const line = text.split("\n", 1)[0].trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

// ---- fetch through the server -------------------------------------------------------------------------------
/**
 * A `fetch` that the server performs under its egress policy (`request(message)` sends the request and resolves
 * with the server's answer). The body is read here into bytes; the answer's body is whole (the server caps it).
 */
export function serverFetch(request) {
  return async function fetch(input, init) {
    const req = new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
    const body = req.body === null ? null : new Uint8Array(await req.arrayBuffer());
    const answer = await request(
      { url: req.url, method: req.method, headers: [...req.headers], body, redirect: req.redirect },
      signal,
    );
    if (answer.error) {
      const err = new TypeError(`fetch failed: ${answer.error}`);
      err.cause = new Error(answer.error);
      throw err;
    }
    const nullBody = [101, 204, 205, 304].includes(answer.status);
    const res = new Response(nullBody ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
    Object.defineProperty(res, "url", { value: answer.url });
    Object.defineProperty(res, "redirected", { value: answer.redirected });
    return res;
  };
}

/** Ends the host now, whatever plugin code did to process.exit. */
export function exitHost(code = 0) {
  reallyExit(code);
}
