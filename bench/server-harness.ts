/**
 * The production server for P4/P6: a build of the app (see prepareApp), a DATA_DIR whose
 * embedded database has a user (and optionally an active generation of synthetic plugins in the default fs cache
 * under DATA_DIR), `next start` on them, and measurements of it (keep-alive load, RSS of the process tree).
 *
 * The data dir is prepared in THIS process through the app's own code (getDatabase → migrations, startSync with
 * activate), then the database is closed so the server can take the PGlite lock.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { generatePackages } from "./generate";
import { tmpDir } from "./lib";

const execFileP = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCH_APP_SECRET = "bench-only-secret-bench-only-secret-bench-only-secret";

const nextBin = (app: string) => path.join(app, "node_modules/next/dist/bin/next");
const hasBuild = (app: string) =>
  fs.existsSync(path.join(app, ".next", "BUILD_ID")) && fs.existsSync(path.join(app, ".next", "server", "app", "api", "plugins"));

async function nextBuild(app: string): Promise<void> {
  await execFileP(process.execPath, [nextBin(app), "build"], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(
      `next build failed in ${app} (a work tree mid-edit? BENCH_APP_REF=HEAD benchmarks the last commit):\n${(err.stdout ?? "").slice(-3000)}\n${(err.stderr ?? "").slice(-3000)}`,
    );
  });
  if (!hasBuild(app)) throw new Error(`next build finished but ${app}/.next has no /api/plugins route`);
}

let appDir: Promise<string> | null = null;

/**
 * The app directory the server benchmarks run `next start` in.
 *
 * Default: a private snapshot of the working tree (the files `git ls-files --cached --others --exclude-standard`
 * lists, node_modules hard-linked with `cp -al`), built once per bench process and removed at exit. The repo's
 * `.next` is shared with whoever else builds or runs e2e on this checkout — a concurrent `next build` deleting
 * `.next/BUILD_ID` in the middle of a run was seen here — and the static baseline of P4 has to go into `public/`:
 * the snapshot keeps both out of the repo and measures exactly the tree as it is now.
 *
 * BENCH_APP_REF=<git ref> (e.g. HEAD): snapshot that commit (`git archive`) instead of the working tree — for when
 * the work tree is mid-edit and does not build; the DATA_DIR is still prepared by the work tree's code.
 *
 * BENCH_IN_PLACE=1: use the repo itself (build only when `.next` lacks a build with /api/plugins; BENCH_REBUILD=1
 * forces it); P4 then writes its static file into the repo's public/ and removes it afterwards.
 */
export function prepareApp(log: (line: string) => void = () => undefined): Promise<string> {
  appDir ??= (async () => {
    if (process.env.BENCH_IN_PLACE === "1") {
      if (!hasBuild(ROOT) || process.env.BENCH_REBUILD === "1") {
        log("building the app in place (next build) …");
        await nextBuild(ROOT);
      }
      return ROOT;
    }
    const dir = tmpDir("app");
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const ref = process.env.BENCH_APP_REF?.trim();
    if (ref) {
      log(`building a snapshot of ${ref} (next build) …`);
      await execFileP("sh", ["-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", ref, dir], { cwd: ROOT });
    } else {
      log("building a snapshot of the working tree (next build) …");
      const { stdout } = await execFileP("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
      for (const rel of stdout.split("\0").filter(Boolean)) {
        const src = path.join(ROOT, rel);
        if (!fs.existsSync(src) || !fs.statSync(src).isFile()) continue; // deleted in the work tree
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.copyFileSync(src, path.join(dir, rel));
      }
    }
    await execFileP("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")]);
    await nextBuild(dir);
    return dir;
  })();
  appDir.catch(() => (appDir = null));
  return appDir;
}

export interface PreparedData {
  dataDir: string;
  userId: string;
  /** Plugins in the active generation (0 when none). */
  plugins: number;
  /** The generated plugin packages (removed with the data dir). */
  packagesDir: string | null;
  cleanup(): void;
}

/**
 * A DATA_DIR with an admin user and, when `plugins` > 0, an fs source of `plugins / 20` sets × 20 plugins
 * (20 files each) synced and activated. Environment changes are undone before returning.
 */
export async function prepareDataDir(opts: { plugins: number }): Promise<PreparedData> {
  const dataDir = tmpDir("data");
  const packagesDir = opts.plugins > 0 ? tmpDir("pkgs") : null;
  const saved = { DATA_DIR: process.env.DATA_DIR, APP_SECRET: process.env.APP_SECRET, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
  Object.assign(process.env, { DATA_DIR: dataDir, APP_SECRET: BENCH_APP_SECRET, DATABASE_URL: "", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const { getDatabase, closeDatabase } = await import("../lib/db");
  try {
    const prisma = (await getDatabase()).prisma;
    const user = await prisma.user.create({ data: { username: "bench", role: "admin", passwordHash: "x" } });
    if (packagesDir) {
      const sets = Math.ceil(opts.plugins / 20);
      const pkg = generatePackages(packagesDir, { sets, filesPerSet: 20, pluginsPerSet: 20 });
      await prisma.pluginSource.create({
        data: {
          name: "bench",
          kind: "fs",
          settings: { path: pkg.root },
          pluginSets: { create: pkg.sets.map((s, i) => ({ ...s, position: i })) },
        },
      });
      const { startSync } = await import("../lib/server/sync/start-sync");
      const { done } = await startSync({ trigger: "cli", actor: "bench", activate: true });
      const outcome = await done;
      if (!outcome || outcome.status !== "succeeded") throw new Error(`bench data sync ${outcome?.status ?? "failed"}`);
      const active = await prisma.generation.findFirst({ where: { status: "active" } });
      if (!active) throw new Error("bench data sync: no active generation");
    }
    return {
      dataDir,
      userId: user.id,
      plugins: opts.plugins,
      packagesDir,
      cleanup() {
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (packagesDir) fs.rmSync(packagesDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (packagesDir) fs.rmSync(packagesDir, { recursive: true, force: true });
    throw err;
  } finally {
    await closeDatabase();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A sealed iron-session cookie for `userId`, as lib/test/auth.ts makes it (key derived from APP_SECRET). */
export async function sessionCookie(userId: string): Promise<string> {
  const saved = process.env.APP_SECRET;
  process.env.APP_SECRET = BENCH_APP_SECRET;
  try {
    const { sealData } = await import("iron-session");
    const { deriveKey } = await import("../lib/secrets");
    return `opsflow_session=${await sealData({ userId }, { password: deriveKey("session").toString("base64url") })}`;
  } finally {
    if (saved === undefined) delete process.env.APP_SECRET;
    else process.env.APP_SECRET = saved;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the server wrote (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `next start` in `app` (see prepareApp) on 127.0.0.1 with the prepared DATA_DIR (node flags such as --cpu-prof in
 * `nodeArgs`); resolves once /api/ready answers 200 (or, in a build without /api/ready, /login answers 200).
 */
export async function startServer(app: string, data: PreparedData, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, nextBin(app), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: app,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: data.dataDir,
      DATABASE_URL: "",
      APP_SECRET: BENCH_APP_SECRET,
      SYNC_ON_START: "never",
      SEED_EXAMPLE_SOURCE: "0",
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
  });
  let out = "";
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const server: RunningServer = {
    url,
    pid: child.pid!,
    child,
    output: () => out,
    async stop() {
      if (exited) return;
      const tree = processTree(child.pid!);
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exitedP;
      clearTimeout(timer);
      // Anything the server started that outlived it (none expected): by pid, never by name.
      for (const pid of tree) {
        if (pid === child.pid) continue;
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`next start exited early:\n${out}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start not ready after 60 s:\n${out}`);
    }
    const res = await get(`${url}/api/ready`).catch(() => null);
    if (res?.status === 200) return server;
    if (res?.status === 404 && (await get(`${url}/login`).catch(() => null))?.status === 200) return server;
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET without keep-alive (readiness, checks). */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}

/** One JSON POST without keep-alive, as the app's own pages send it (same origin). */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": String(data.length), origin: new URL(url).origin, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.end(data);
  });
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  bytes: number;
  errors: number;
}

/**
 * Closed-loop load: `concurrency` keep-alive connections, each sending the next GET as soon as the previous
 * response body has been read, for `durationMs`. No Accept-Encoding (identity bodies on both routes). A response
 * that is not 200 or not `expectBytes` long counts as an error.
 */
export async function load(url: string, opts: { concurrency: number; durationMs: number; headers?: Record<string, string>; expectBytes?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const target = new URL(url);
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + opts.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers: opts.headers ?? {} }, (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => (n += c.length));
        res.on("end", () => {
          if (res.statusCode !== 200 || (opts.expectBytes !== undefined && n !== opts.expectBytes)) errors++;
          else requests++;
          bytes += n;
          resolve();
        });
        res.on("error", () => (errors++, resolve()));
      });
      req.on("error", () => (errors++, resolve()));
    });
  const lane = async () => {
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests, seconds, rps: requests / seconds, bytes, errors };
}

/** The pid and every descendant (from /proc/<pid>/task/<tid>/children, else a /proc scan of ppids). */
export function processTree(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const pid = out[i];
    let kids: number[] = [];
    try {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
        if (text) kids.push(...text.split(/\s+/).map(Number));
      }
    } catch {
      kids = [];
      for (const e of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(e)) continue;
        try {
          const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          if (ppid === pid) kids.push(Number(e));
        } catch {
          // gone
        }
      }
    }
    for (const k of kids) if (!out.includes(k)) out.push(k);
  }
  return out;
}

/** Sum of VmRSS (bytes) over the process and its descendants. */
export function treeRss(root: number): { bytes: number; processes: number } {
  let bytes = 0;
  let processes = 0;
  for (const pid of processTree(root)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) {
        bytes += Number(m[1]) * 1024;
        processes++;
      }
    } catch {
      // gone
    }
  }
  return { bytes, processes };
}

/** Total plugin entries (every version) in a /api/plugins body. */
export function countPlugins(body: Buffer): number {
  const json = JSON.parse(body.toString("utf8")) as { groups?: { plugins: unknown[] }[] };
  return (json.groups ?? []).reduce((n, g) => n + g.plugins.length, 0);
}

export { ROOT };
