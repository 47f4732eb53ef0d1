// The built-in plugins shipped with the app (group BUILTIN). Plain ESM JavaScript, node built-ins and globals only,
// because a plugin host imports this file to run them exactly like a remote set's module (this directory is all
// that host may read); the server process never imports it. builtins.ts holds the same descriptors as data (a test keeps the two equal). Not named builtins.mjs on
// purpose: Vite/vitest and webpack resolve an extensionless "./builtins" to the .mjs before the .ts.

const GROUP = { code: "BUILTIN", name: { en: "Built-in", "zh-CN": "内置" } };
const LEVELS = ["info", "warn", "error"];
const METHODS = ["GET", "POST", "PUT", "DELETE"];
const MAX_SLEEP_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;
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

export const plugins = [
  {
    code: "builtin_log",
    name: { en: "Log", "zh-CN": "日志" },
    version: "1.0.0",
    group: GROUP,
    description: { en: "Writes a message to the run log.", "zh-CN": "向运行日志写入一条消息。" },
    inputs: [
      { key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true },
      {
        key: "level",
        label: { en: "Level", "zh-CN": "级别" },
        type: "select",
        required: false,
        default: "info",
        options: LEVELS.map((l) => ({ value: l, label: l })),
      },
    ],
    outputs: [{ key: "logged", label: { en: "Logged", "zh-CN": "已记录" }, type: "boolean" }],
    async execute(inputs, ctx) {
      const level = inputs.level ?? "info";
      if (!LEVELS.includes(level)) throw new Error(`level: must be one of ${LEVELS.join(", ")}`);
      log(ctx, String(inputs.message ?? ""), level);
      return { logged: true };
    },
  },
  {
    code: "builtin_sleep",
    name: { en: "Sleep", "zh-CN": "等待" },
    version: "1.0.0",
    group: GROUP,
    description: { en: "Waits the given number of milliseconds (0 to 60000).", "zh-CN": "等待指定的毫秒数（0 到 60000）。" },
    inputs: [{ key: "ms", label: { en: "Milliseconds", "zh-CN": "毫秒" }, type: "number", required: true }],
    outputs: [{ key: "sleptMs", label: { en: "Slept (ms)", "zh-CN": "已等待（毫秒）" }, type: "number" }],
    async execute(inputs, ctx) {
      const ms = Number(inputs.ms);
      if (inputs.ms === undefined || inputs.ms === null || inputs.ms === "" || !Number.isFinite(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
        throw new Error(`ms: must be a number from 0 to ${MAX_SLEEP_MS}`);
      }
      await wait(ms, ctx?.signal);
      return { sleptMs: ms };
    },
  },
  {
    code: "builtin_http_request",
    name: { en: "HTTP request", "zh-CN": "HTTP 请求" },
    version: "1.0.0",
    group: GROUP,
    description: {
      en: "Sends an HTTP(S) request and returns the status, headers and body (first 1 MiB).",
      "zh-CN": "发送 HTTP(S) 请求，返回状态码、响应头和响应体（前 1 MiB）。",
    },
    inputs: [
      { key: "url", label: { en: "URL", "zh-CN": "URL" }, type: "text", required: true },
      {
        key: "method",
        label: { en: "Method", "zh-CN": "方法" },
        type: "select",
        required: false,
        default: "GET",
        options: METHODS.map((m) => ({ value: m, label: m })),
      },
      { key: "headers", label: { en: "Headers (JSON)", "zh-CN": "请求头（JSON）" }, type: "json", required: false },
      { key: "body", label: { en: "Body", "zh-CN": "请求体" }, type: "textarea", required: false },
      { key: "timeoutMs", label: { en: "Timeout (ms)", "zh-CN": "超时（毫秒）" }, type: "number", required: false, default: DEFAULT_TIMEOUT_MS },
    ],
    outputs: [
      { key: "status", label: { en: "Status", "zh-CN": "状态码" }, type: "number" },
      { key: "headers", label: { en: "Headers", "zh-CN": "响应头" }, type: "object" },
      { key: "body", label: { en: "Body", "zh-CN": "响应体" }, type: "string" },
    ],
    async execute(inputs, ctx) {
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
  },
];
