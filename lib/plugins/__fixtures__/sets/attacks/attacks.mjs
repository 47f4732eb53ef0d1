// A hostile plugin set for the containment tests: every way out of a plugin host it can think of, tried at import
// (describe, at sync and in Preview) and at execute. Each attempt reports "refused: <code>" or what it got, so a
// test can assert every one was refused and that none of the server's secrets came back. `targets.json` beside
// this file (written by the test) names the server-side files, ports and URLs to go after.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
let targets = {};
try {
  targets = JSON.parse(fs.readFileSync(path.join(here, "targets.json"), "utf8"));
} catch {
  // no targets: the generic attempts still run
}

const refused = (e) => `refused: ${e?.code ?? e?.name ?? "error"}${e?.message ? ` ${String(e.message).split("\n")[0].slice(0, 200)}` : ""}`;
async function attempt(fn) {
  try {
    const got = await fn();
    return `GOT: ${typeof got === "string" ? got.slice(0, 2000) : JSON.stringify(got)?.slice(0, 2000)}`;
  } catch (e) {
    return refused(e);
  }
}

function tcp(port, host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const timer = setTimeout(() => (socket.destroy(), reject(Object.assign(new Error("no answer"), { code: "TIMEOUT" }))), 3_000);
    socket.on("connect", () => (clearTimeout(timer), socket.destroy(), resolve(`connected to ${host}:${port}`)));
    socket.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

async function fetched(doFetch, url) {
  const res = await doFetch(url);
  return `${res.status} ${(await res.text()).slice(0, 200)}`;
}

/** Attempts that need no network of the server (both at import and at execute). */
export const local = {
  environ: () => fs.readFileSync("/proc/self/environ", "utf8"),
  parentEnviron: () => fs.readFileSync(`/proc/${process.ppid}/environ`, "utf8"),
  parentCmdline: () => fs.readFileSync(`/proc/${process.ppid}/cmdline`, "utf8"),
  env: () => {
    const keys = Object.keys(process.env);
    if (keys.length === 0) throw Object.assign(new Error("empty environment"), { code: "EMPTY" });
    return JSON.stringify(process.env);
  },
  etcHostname: () => fs.readFileSync("/etc/hostname", "utf8"),
  serverFile: () => fs.readFileSync(targets.serverFile ?? "/etc/passwd", "utf8"),
  listDataDir: () => fs.readdirSync(targets.dataDir ?? "/").join(","),
  writeTmp: () => (fs.writeFileSync(path.join(targets.writeDir ?? "/tmp", `opsflow-attack-${process.pid}.txt`), "pwned"), "written"),
  writeOwnSet: () => (fs.writeFileSync(path.join(here, "written-by-plugin.txt"), "pwned"), "written"),
  spawn: async () => (await import("node:child_process")).execSync("id").toString(),
  worker: async () => {
    const { Worker } = await import("node:worker_threads");
    new Worker("1", { eval: true });
    return "worker started";
  },
  addon: () => (process.dlopen({ exports: {} }, targets.addon ?? "/usr/lib/x86_64-linux-gnu/libc.so.6"), "loaded"),
  wasi: async () => {
    const { WASI } = await import("node:wasi");
    new WASI({ version: "preview1", preopens: { "/": "/" } });
    return "wasi";
  },
  inspector: async () => ((await import("node:inspector")).open(0), "inspector open"),
  tcpLoopback: () => tcp(targets.tcpPort ?? 5432),
  tcpDatabase: () => tcp(5432),
};

/** Attempts through the network the server offers (ctx.fetch or the global fetch), at execute only. */
export const viaFetch = (doFetch) => ({
  fetchLoopback: () => fetched(doFetch, targets.loopbackUrl ?? "http://127.0.0.1:9/"),
  fetchLocalhost: () => fetched(doFetch, (targets.loopbackUrl ?? "http://127.0.0.1:9/").replace("127.0.0.1", "localhost")),
  fetchDecimal: () => fetched(doFetch, (targets.loopbackUrl ?? "http://127.0.0.1:9/").replace("127.0.0.1", "2130706433")),
  fetchOctal: () => fetched(doFetch, (targets.loopbackUrl ?? "http://127.0.0.1:9/").replace("127.0.0.1", "0177.0.0.1")),
  fetchMapped: () => fetched(doFetch, (targets.loopbackUrl ?? "http://127.0.0.1:9/").replace("127.0.0.1", "[::ffff:127.0.0.1]")),
  fetchPrivate: () => fetched(doFetch, "http://10.255.255.1/"),
  fetchMetadata: () => fetched(doFetch, "http://169.254.169.254/latest/meta-data/"),
  fetchCgnat: () => fetched(doFetch, "http://100.64.0.1/"),
  fetchUla: () => fetched(doFetch, "http://[fd00::1]/"),
  fetchRedirect: () => fetched(doFetch, targets.redirectUrl ?? "http://127.0.0.1:9/"),
  fetchCache: () => fetched(doFetch, targets.cacheUrl ?? "http://127.0.0.1:9/"),
});

async function runAll(list) {
  const out = {};
  for (const [name, fn] of Object.entries(list)) out[name] = await attempt(fn);
  return out;
}

// At import (describe): everything local, and the global fetch (there is no ctx at import).
const atImport = { ...(await runAll(local)), ...(await runAll(viaFetch(globalThis.fetch))) };

// The verdict in the name too, so a page or Preview that shows only names still tells.
const got = Object.entries(atImport).filter(([, v]) => !v.startsWith("refused")).map(([k]) => k);
const verdict = got.length ? `Attack report: GOT ${got.join(", ")}`.slice(0, 200) : "Attack report: all refused";

const group = { code: "ATK", name: "Attacks" };
export const plugins = [
  {
    code: "atk_report",
    name: verdict,
    version: "1.0.0",
    group,
    // What the attempts at import got, for the test to read from the manifest / Preview.
    inputs: [{ key: "importReport", label: "Import report", type: "json", default: JSON.stringify(atImport) }],
    outputs: [{ key: "report", label: "Report", type: "object" }],
    async execute(inputs, ctx) {
      return {
        report: {
          ...(await runAll(local)),
          ...(await runAll(viaFetch(ctx.fetch))),
          ...Object.fromEntries(Object.entries(await runAll(viaFetch(globalThis.fetch))).map(([k, v]) => [`global:${k}`, v])),
        },
      };
    },
  },
];
