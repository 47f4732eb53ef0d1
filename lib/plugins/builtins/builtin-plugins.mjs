// The built-in plugins shipped with the app (group BUILTIN). Plain ESM JavaScript, node built-ins and globals only,
// because a plugin host imports this file to run them exactly like a remote set's module (this directory is all
// that host may read); the server process never imports it. The descriptors are data in builtin-descriptors.mjs,
// which the registry imports too. Not named builtins.mjs on purpose: Vite/vitest and webpack resolve an
// extensionless "./builtins" to the .mjs before the .ts.

import { BUILTIN_DESCRIPTORS, DEFAULT_TIMEOUT_MS, LEVELS, MAX_SLEEP_MS, METHODS } from "./builtin-descriptors.mjs";

const MAX_TIMEOUT_MS = 300_000;
/** The response body kept for the node's output; the rest is dropped (and said so in the run log). */
const MAX_BODY_BYTES = 1024 * 1024;

const log = (ctx, line, level) => {
  if (ctx && typeof ctx.log === "function") ctx.log(line, level);
};

/** Waits `ms`, or rejects when `signal` aborts (the run was cancelled). */
function wait(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The headers input: a JSON object (or its text) of header names to string/number/boolean values. */
function headersOf(value) {
  if (value === undefined || value === null || value === "") return {};
  let obj = value;
  if (typeof value === "string") {
    try {
      obj = JSON.parse(value);
    } catch {
      throw new Error("headers: not valid JSON");
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Error("headers: must be a JSON object");
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!["string", "number", "boolean"].includes(typeof v)) throw new Error(`headers.${k}: must be a string`);
    out[k] = String(v);
  }
  return out;
}

/** Reads at most `max` bytes of the body as UTF-8 text; cancels the rest. */
async function readText(res, max) {
  if (!res.body) return { text: "", truncated: false };
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), truncated };
}

/** The execute function of each built-in, by code; the descriptors come from builtin-descriptors.mjs. */
const EXECUTE = {
  async builtin_log(inputs, ctx) {
    const level = inputs.level ?? "info";
    if (!LEVELS.includes(level)) throw new Error(`level: must be one of ${LEVELS.join(", ")}`);
    log(ctx, String(inputs.message ?? ""), level);
    return { logged: true };
  },
  async builtin_sleep(inputs, ctx) {
    const ms = Number(inputs.ms);
    if (inputs.ms === undefined || inputs.ms === null || inputs.ms === "" || !Number.isFinite(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
      throw new Error(`ms: must be a number from 0 to ${MAX_SLEEP_MS}`);
    }
    await wait(ms, ctx?.signal);
    return { sleptMs: ms };
  },
  async builtin_http_request(inputs, ctx) {
    let url;
    try {
      url = new URL(String(inputs.url ?? ""));
    } catch {
      throw new Error("url: not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("url: only http:// and https:// URLs are allowed");
    const method = String(inputs.method || "GET").toUpperCase();
    if (!METHODS.includes(method)) throw new Error(`method: must be one of ${METHODS.join(", ")}`);
    const timeoutMs = inputs.timeoutMs === undefined || inputs.timeoutMs === null || inputs.timeoutMs === "" ? DEFAULT_TIMEOUT_MS : Number(inputs.timeoutMs);
    if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) throw new Error(`timeoutMs: must be a number from 1 to ${MAX_TIMEOUT_MS}`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = ctx?.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
    const body = method === "GET" || inputs.body === undefined || inputs.body === null || inputs.body === "" ? undefined : String(inputs.body);
    const headers = headersOf(inputs.headers);
    // ctx.fetch: performed by the server under the egress policy (the same as any plugin's requests).
    const send = typeof ctx?.fetch === "function" ? ctx.fetch : fetch;
    try {
      const res = await send(url, { method, headers, body, signal });
      const { text, truncated } = await readText(res, MAX_BODY_BYTES);
      if (truncated) log(ctx, `response body cut to ${MAX_BODY_BYTES} bytes`, "warn");
      return { status: res.status, headers: Object.fromEntries(res.headers), body: text };
    } catch (err) {
      // The origin only: a URL's query string may carry tokens that do not belong in the run log.
      if (timeout.aborted) throw new Error(`${method} ${url.origin}: no complete response within ${timeoutMs} ms`);
      throw new Error(`${method} ${url.origin}: ${err?.cause?.message ?? err?.message ?? String(err)}`);
    }
  },
};

export const plugins = BUILTIN_DESCRIPTORS.map((d) => ({ ...d, execute: EXECUTE[d.code] }));
