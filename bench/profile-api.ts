/**
 * Where P4's time goes: `node --conditions=react-server --import tsx bench/profile-api.ts [--seconds S]`.
 *
 * On the production server with a 1,000-plugin generation (as P4 sets it up):
 *   1. throughput (concurrency 16) and latency (concurrency 1) of: the static copy of the /api/plugins body,
 *      /api/plugins, /api/plugins?q=<no match> (auth + DB + registry + a tiny body: the fixed cost of the route),
 *      a tiny static file (the fixed cost of a static file), /api/ready (no auth, two DB queries), /api/health (no
 *      auth, no DB: the fixed cost of a route handler);
 *   2. a CPU profile of the server (node --cpu-prof) under /api/plugins load: top self time, and the inclusive time
 *      of the frames that matter (serialisation, session, DB, Next's response piping).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { machine, median, removeTmpDirs, tmpDir } from "./lib";
import { countPlugins, get, load, prepareDataDir, prepareApp, sessionCookie, sleep, startServer, type RunningServer } from "./server-harness";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "3" }, rounds: { type: "string", default: "3" } } });
const MS = Number(values.seconds) * 1000 || 3000;
const ROUNDS = Number(values.rounds) || 3;

async function waitFull(server: RunningServer, cookie: string): Promise<Buffer> {
  for (let i = 0; i < 300; i++) {
    const res = await get(`${server.url}/api/plugins`, { cookie });
    if (res.status === 200 && countPlugins(res.body) >= 1000) return res.body;
    await sleep(200);
  }
  throw new Error(`the generation did not load:\n${server.output()}`);
}

async function latency(url: string, headers: Record<string, string>, n = 40): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await get(url, headers);
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
    xs.push(performance.now() - t);
  }
  return median(xs);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function summarise(file: string) {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/\.next\//, ".next/")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] / 1000;
    total += dt;
    const n = byId.get(id)!;
    if (n.callFrame.functionName === "(idle)") idle += dt;
    self.set(label(n), (self.get(label(n)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log(`\nCPU profile of the server: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy (percentages of busy)`);
  console.log("\ntop self time:");
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(v)}  ${k}`);
  const interesting = /stringify|^json |serialize|unseal|getIronSession|currentUser|sessionUser|findUnique|\$queryRaw|_request|PGlite|execProtocol|pipeToNodeResponse|sendResponse|writeChunk|pipeTo|list |buildRegistry|handleRequest |runSafely|observed|withRole|recordHttpRequest|deepFreeze|garbage/i;
  console.log("\ninclusive time of selected frames:");
  for (const [k, v] of [...incl].filter(([k]) => interesting.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(v)}  ${k}`);
}

/** The per-request pieces of /api/plugins measured one at a time in this process (median µs of 200 calls). */
async function inProcessCosts(dataDir: string, userId: string, cookie: string, obj: unknown, body: Buffer) {
  const each = async (n: number, fn: () => Promise<unknown> | unknown) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  const { unsealData } = await import("iron-session");
  const { deriveKey } = await import("../lib/secrets");
  const saved = { DATA_DIR: process.env.DATA_DIR, APP_SECRET: process.env.APP_SECRET, LOG_LEVEL: process.env.LOG_LEVEL };
  Object.assign(process.env, { DATA_DIR: dataDir, APP_SECRET: "bench-only-secret-bench-only-secret-bench-only-secret", LOG_LEVEL: "warn" });
  const { getDatabase, closeDatabase } = await import("../lib/db");
  try {
    const password = deriveKey("session").toString("base64url");
    const sealed = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
    const unseal = await each(200, () => unsealData(sealed, { password }));
    const prisma = (await getDatabase()).prisma;
    const select = { id: true, username: true, role: true, locale: true } as const;
    await each(50, () => prisma.user.findUnique({ where: { id: userId }, select }));
    const find = await each(200, () => prisma.user.findUnique({ where: { id: userId }, select }));
    const viaJson = await each(100, () => Response.json(obj).arrayBuffer());
    const viaBytes = await each(100, () => new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length), { headers: { "content-type": "application/json" } }).arrayBuffer());
    console.log(`\nin-process, per call (median of 100–200):`);
    console.log(`${unseal.toFixed(3).padStart(8)} ms  iron-session unsealData of the session cookie`);
    console.log(`${find.toFixed(3).padStart(8)} ms  prisma.user.findUnique on PGlite (findCurrentUser's query)`);
    console.log(`${viaJson.toFixed(3).padStart(8)} ms  Response.json(list) + read the body`);
    console.log(`${viaBytes.toFixed(3).padStart(8)} ms  new Response(pre-serialised bytes) + read the body`);
  } finally {
    await closeDatabase();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function main() {
  console.log(`machine: ${machine()}`);
  const app = await prepareApp((l) => console.log(l));
  const data = await prepareDataDir({ plugins: 1000 });
  const publicDir = path.join(app, "public");
  const createdPublic = !fs.existsSync(publicDir);
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const big = path.join(publicDir, `opsflow-bench-${tag}.json`);
  const tiny = path.join(publicDir, `opsflow-bench-${tag}-tiny.json`);
  const profDir = tmpDir("cpuprof");
  let server: RunningServer | null = null;
  try {
    const cookie = await sessionCookie(data.userId);
    const headers = { cookie };
    server = await startServer(app, data);
    const body = await waitFull(server, cookie);
    await server.stop();
    fs.mkdirSync(publicDir, { recursive: true });
    fs.writeFileSync(big, body);
    fs.writeFileSync(tiny, JSON.stringify({ generation: 1, groups: [] }));
    server = await startServer(app, data);
    await waitFull(server, cookie);
    const targets: [string, string][] = [
      ["static copy of the body", `/${path.basename(big)}`],
      ["/api/plugins", "/api/plugins"],
      ["/api/plugins?q=<no match> (tiny body)", "/api/plugins?q=zz-no-such-plugin"],
      ["tiny static file", `/${path.basename(tiny)}`],
      ["/api/ready (no auth, 2 DB queries)", "/api/ready"],
      ["/api/health (no auth, no DB: a route's fixed cost)", "/api/health"],
    ];
    for (const [, p] of targets) await load(`${server.url}${p}`, { concurrency: 16, durationMs: 1000, headers });
    const rps = new Map<string, number[]>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, p] of targets) {
        const res = await load(`${server.url}${p}`, { concurrency: 16, durationMs: MS, headers });
        if (res.errors) throw new Error(`${p}: ${res.errors} errors`);
        rps.set(name, [...(rps.get(name) ?? []), res.rps]);
      }
    }
    console.log(`\nbody ${body.length} bytes; throughput at concurrency 16 (median of ${ROUNDS} × ${MS / 1000} s) and latency at concurrency 1 (median of 40):`);
    for (const [name, p] of targets) {
      const lat = await latency(`${server.url}${p}`, headers);
      console.log(`${median(rps.get(name)!).toFixed(0).padStart(7)} req/s  ${lat.toFixed(2).padStart(7)} ms  ${name}`);
    }
    // In-process cost of serialising the same body (what Response.json does first).
    const obj = JSON.parse(body.toString("utf8")) as unknown;
    const xs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      JSON.stringify(obj);
      xs.push(performance.now() - t);
    }
    console.log(`JSON.stringify of the body in this process: ${median(xs).toFixed(2)} ms`);
    await server.stop();
    await inProcessCosts(data.dataDir, data.userId, cookie, obj, body);

    server = await startServer(app, data, {}, ["--cpu-prof", `--cpu-prof-dir=${profDir}`]);
    await waitFull(server, cookie);
    await load(`${server.url}/api/plugins`, { concurrency: 16, durationMs: 1000, headers });
    const res = await load(`${server.url}/api/plugins`, { concurrency: 16, durationMs: MS * 2, headers });
    console.log(`\nunder the profiler: ${res.rps.toFixed(0)} req/s`);
    await server.stop();
    server = null;
    await sleep(500);
    const profiles = fs.readdirSync(profDir).map((f) => path.join(profDir, f));
    // The server process's main thread: the biggest profile.
    const main = profiles.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    if (!main) throw new Error("no CPU profile written");
    summarise(main);
  } finally {
    await server?.stop();
    fs.rmSync(big, { force: true });
    fs.rmSync(tiny, { force: true });
    if (createdPublic) fs.rmSync(publicDir, { recursive: true, force: true });
    fs.rmSync(profDir, { recursive: true, force: true });
    data.cleanup();
  }
}

process.on("exit", removeTmpDirs);

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
