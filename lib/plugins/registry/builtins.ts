import { shippedFile } from "../shipped-file";
import type { PluginDescriptor } from "../contract";

/**
 * The built-in plugins shipped with the app. Their code lives in lib/plugins/builtins/builtin-plugins.mjs, which
 * only a plugin host imports (no plugin code runs in the server process, ours included); the picker needs
 * descriptors only, so they are declared here as data, in the normalised form `describePlugin` returns.
 * builtins.test.ts checks the two stay equal.
 */

/**
 * The module a plugin host imports to run a built-in. It has a directory of its own, which is all the built-ins'
 * host may read (see host/confinement.ts).
 */
export function builtinModuleFile(): string {
  return shippedFile("builtins/builtin-plugins.mjs");
}

export const BUILTIN_MODULE_FILE: string = builtinModuleFile();

/** The `source` of built-in plugins in the registry. */
export const BUILTIN_SOURCE = "builtin";

const GROUP = { code: "BUILTIN", name: { en: "Built-in", "zh-CN": "内置" } };
const VERSION = "1.0.0";

export const BUILTIN_DESCRIPTORS: PluginDescriptor[] = [
  {
    code: "builtin_log",
    name: { en: "Log", "zh-CN": "日志" },
    version: VERSION,
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
        options: ["info", "warn", "error"].map((l) => ({ value: l, label: l })),
      },
    ],
    outputs: [{ key: "logged", label: { en: "Logged", "zh-CN": "已记录" }, type: "boolean" }],
  },
  {
    code: "builtin_sleep",
    name: { en: "Sleep", "zh-CN": "等待" },
    version: VERSION,
    group: GROUP,
    description: { en: "Waits the given number of milliseconds (0 to 60000).", "zh-CN": "等待指定的毫秒数（0 到 60000）。" },
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
      {
        key: "method",
        label: { en: "Method", "zh-CN": "方法" },
        type: "select",
        required: false,
        default: "GET",
        options: ["GET", "POST", "PUT", "DELETE"].map((m) => ({ value: m, label: m })),
      },
      { key: "headers", label: { en: "Headers (JSON)", "zh-CN": "请求头（JSON）" }, type: "json", required: false },
      { key: "body", label: { en: "Body", "zh-CN": "请求体" }, type: "textarea", required: false },
      { key: "timeoutMs", label: { en: "Timeout (ms)", "zh-CN": "超时（毫秒）" }, type: "number", required: false, default: 30_000 },
    ],
    outputs: [
      { key: "status", label: { en: "Status", "zh-CN": "状态码" }, type: "number" },
      { key: "headers", label: { en: "Headers", "zh-CN": "响应头" }, type: "object" },
      { key: "body", label: { en: "Body", "zh-CN": "响应体" }, type: "string" },
    ],
  },
];
