// The built-in plugins' descriptors, as data: what the picker shows (the registry imports this file) and what
// builtin-plugins.mjs, run by a plugin host, attaches its execute functions to. Data only: no plugin code runs in
// the server process, and a plugin host may read this directory. The normalised form describePlugin returns
// (builtins.test.ts checks describing the module gives exactly these).

export const LEVELS = ["info", "warn", "error"];
export const METHODS = ["GET", "POST", "PUT", "DELETE"];
export const MAX_SLEEP_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** An optional select input whose options are their own labels. */
const choice = (key, label, values, fallback) => ({
  key,
  label,
  type: "select",
  required: false,
  default: fallback,
  options: values.map((v) => ({ value: v, label: v })),
});

const GROUP = { code: "BUILTIN", name: { en: "Built-in", "zh-CN": "内置" } };
const VERSION = "1.0.0";

export const BUILTIN_DESCRIPTORS = [
  {
    code: "builtin_log",
    name: { en: "Log", "zh-CN": "日志" },
    version: VERSION,
    group: GROUP,
    description: { en: "Writes a message to the run log.", "zh-CN": "向运行日志写入一条消息。" },
    inputs: [
      { key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true },
      choice("level", { en: "Level", "zh-CN": "级别" }, LEVELS, "info"),
    ],
    outputs: [{ key: "logged", label: { en: "Logged", "zh-CN": "已记录" }, type: "boolean" }],
  },
  {
    code: "builtin_sleep",
    name: { en: "Sleep", "zh-CN": "等待" },
    version: VERSION,
    group: GROUP,
    description: { en: `Waits the given number of milliseconds (0 to ${MAX_SLEEP_MS}).`, "zh-CN": `等待指定的毫秒数（0 到 ${MAX_SLEEP_MS}）。` },
    inputs: [{ key: "ms", label: { en: "Milliseconds", "zh-CN": "毫秒" }, type: "number", required: true }],
    outputs: [{ key: "sleptMs", label: { en: "Slept (ms)", "zh-CN": "已等待（毫秒）" }, type: "number" }],
  },
  {
    code: "builtin_http_request",
    name: { en: "HTTP request", "zh-CN": "HTTP 请求" },
    version: VERSION,
    group: GROUP,
    description: {
      en: "Sends an HTTP(S) request and returns the status, headers and body (first 1 MiB).",
      "zh-CN": "发送 HTTP(S) 请求，返回状态码、响应头和响应体（前 1 MiB）。",
    },
    inputs: [
      { key: "url", label: { en: "URL", "zh-CN": "URL" }, type: "text", required: true },
      choice("method", { en: "Method", "zh-CN": "方法" }, METHODS, "GET"),
      { key: "headers", label: { en: "Headers (JSON)", "zh-CN": "请求头（JSON）" }, type: "json", required: false },
      { key: "body", label: { en: "Body", "zh-CN": "请求体" }, type: "textarea", required: false },
      { key: "timeoutMs", label: { en: "Timeout (ms)", "zh-CN": "超时（毫秒）" }, type: "number", required: false, default: DEFAULT_TIMEOUT_MS },
    ],
    outputs: [
      { key: "status", label: { en: "Status", "zh-CN": "状态码" }, type: "number" },
      { key: "headers", label: { en: "Headers", "zh-CN": "响应头" }, type: "object" },
      { key: "body", label: { en: "Body", "zh-CN": "响应体" }, type: "string" },
    ],
  },
];
