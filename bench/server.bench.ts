/**
 * P4 — `GET /api/plugins` throughput with 1,000 plugins, against a static JSON file of the same bytes served by the
 *      same `next start` server from public/.                                              target ≥ 0.8×
 * P6 — server RSS (the whole process tree: server + plugin hosts) with a 1,000-plugin generation active and plugins
 *      of two of its sets run, against the same server with none (a built-in run).          target ≤ +150 MB
 * Both run the production build (`next start` of a private build of the working tree, see prepareApp) on a temp
 * DATA_DIR.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fmt, median, type Result } from "./lib";
import {
  countPlugins,
  prepareApp,
  get,
  post,
  load,
  prepareDataDir,
  sessionCookie,
  sleep,
  startServer,
  treeRss,
  type PreparedData,
  type RunningServer,
} from "./server-harness";

const PLUGINS = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY) || 16;
const LOAD_MS = Number(process.env.BENCH_LOAD_MS) || 3000;
const progress = (line: string) => process.stdout.write(`[${line}] `);

/** Polls /api/plugins until it lists at least `min` plugins (the runtime loads the generation in the background). */
async function waitForPlugins(server: RunningServer, cookie: string, min: number): Promise<Buffer> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await get(`${server.url}/api/plugins`, { cookie });
    if (res.status === 200 && countPlugins(res.body) >= min) return res.body;
    if (Date.now() > deadline) throw new Error(`/api/plugins: ${res.status}, ${res.status === 200 ? countPlugins(res.body) : 0} plugins after 60 s (want ≥ ${min})\n${server.output()}`);
    await sleep(200);
  }
}

export async function p4(runs: number): Promise<Result> {
  const app = await prepareApp(progress);
  const data = await prepareDataDir({ plugins: PLUGINS });
  const publicDir = path.join(app, "public");
  const createdPublic = !fs.existsSync(publicDir);
  const name = `opsflow-bench-${process.pid}-${randomBytes(4).toString("hex")}.json`;
  const staticFile = path.join(publicDir, name);
  let server: RunningServer | null = null;
  try {
    const cookie = await sessionCookie(data.userId);
    server = await startServer(app, data);
    const body = await waitForPlugins(server, cookie, PLUGINS);
    // next start lists public/ once at start-up (router-utils/filesystem.js): a file added later is a 404. So the
    // file is written now and the server restarted; both routes are then measured on that one server.
    fs.mkdirSync(publicDir, { recursive: true });
    fs.writeFileSync(staticFile, body);
    await server.stop();
    server = await startServer(app, data);
    const again = await waitForPlugins(server, cookie, PLUGINS);
    const st = await get(`${server.url}/${name}`, { cookie });
    if (st.status !== 200 || st.body.length !== body.length) throw new Error(`static baseline not served: ${st.status}, ${st.body.length} bytes`);
    if (again.length !== body.length) throw new Error(`/api/plugins changed size across restarts (${body.length} → ${again.length})`);
    const headers = { cookie };
    const staticUrl = `${server.url}/${name}`;
    const apiUrl = `${server.url}/api/plugins`;
    // Warm-up (JIT, first sort of the registry, page cache).
    await load(staticUrl, { concurrency: CONCURRENCY, durationMs: 1500, headers, expectBytes: body.length });
    await load(apiUrl, { concurrency: CONCURRENCY, durationMs: 1500, headers, expectBytes: body.length });
    const a: number[] = [];
    const b: number[] = [];
    let errors = 0;
    for (let i = 0; i < runs; i++) {
      const s = await load(staticUrl, { concurrency: CONCURRENCY, durationMs: LOAD_MS, headers, expectBytes: body.length });
      const d = await load(apiUrl, { concurrency: CONCURRENCY, durationMs: LOAD_MS, headers, expectBytes: body.length });
      a.push(s.rps);
      b.push(d.rps);
      errors += s.errors + d.errors;
    }
    if (errors) throw new Error(`P4: ${errors} failed or short responses`);
    const baseline = median(a);
    const subject = median(b);
    const ratio = subject / baseline;
    return {
      id: "P4",
      measure: `GET /api/plugins, ${PLUGINS} plugins, ${fmt(body.length / 1024, 0)} KiB, concurrency ${CONCURRENCY}, ${LOAD_MS / 1000} s (req/s, median of ${runs})`,
      value: subject,
      baseline,
      unit: "req/s",
      verdict: `${fmt(ratio, 2)}× the static file (target ≥ 0.8×)`,
      pass: ratio >= 0.8,
      notes: `static ${fmt(baseline)} req/s [${a.map((x) => fmt(x, 0)).join(", ")}]; /api/plugins ${fmt(subject)} req/s [${b.map((x) => fmt(x, 0)).join(", ")}]; ${body.length} bytes per response`,
    };
  } finally {
    await server?.stop();
    fs.rmSync(staticFile, { force: true });
    if (createdPublic) fs.rmSync(publicDir, { recursive: true, force: true });
    data.cleanup();
  }
}

const METRICS_TOKEN = "bench-metrics-token-bench-metrics-token";

/** Starts the server, warms it up like a user session would, waits, and reads the RSS of its process tree. */
async function rssOf(app: string, data: PreparedData, min: number): Promise<{ rss: number; processes: number; heapUsed: number | null; external: number | null }> {
  const server = await startServer(app, data, { METRICS_TOKEN });
  try {
    const cookie = await sessionCookie(data.userId);
    await waitForPlugins(server, cookie, min);
    const pages = ["/api/plugins", "/api/plugins?locale=zh-CN", "/api/plugins?q=bench", "/plugins", "/editor", "/sources", "/sync", "/api/ready"];
    for (let i = 0; i < 3; i++) for (const p of pages) await get(`${server.url}${p}`, { cookie });
    // Plugin calls, so the tree holds its plugin hosts: a built-in's, and (with plugins) two sets' of the generation.
    const runs = min > 1 ? ["builtin_log", "bench_0_0", "bench_25_7"] : ["builtin_log"];
    for (const code of runs) {
      const res = await post(`${server.url}/api/plugins/${code}/run`, { inputs: { message: "rss" } }, { cookie });
      const status = res.status === 200 ? (JSON.parse(res.body.toString()) as { status: string }).status : `HTTP ${res.status}`;
      if (status !== "succeeded") throw new Error(`P6: run of ${code}: ${status} ${res.body.toString().slice(0, 200)}`);
    }
    await sleep(2000);
    const { bytes, processes } = treeRss(server.pid);
    const metrics = await get(`${server.url}/api/metrics`, { authorization: `Bearer ${METRICS_TOKEN}` }).catch(() => null);
    const metric = (name: string) => {
      if (metrics?.status !== 200) return null;
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "m").exec(metrics.body.toString());
      return m ? Number(m[1]) : null;
    };
    return { rss: bytes, processes, heapUsed: metric("nodejs_heap_size_used_bytes"), external: metric("nodejs_external_memory_bytes") };
  } finally {
    await server.stop();
  }
}

export async function p6(runs: number): Promise<Result> {
  const app = await prepareApp(progress);
  const full = await prepareDataDir({ plugins: PLUGINS });
  const none = await prepareDataDir({ plugins: 0 });
  try {
    const a: Awaited<ReturnType<typeof rssOf>>[] = [];
    const b: Awaited<ReturnType<typeof rssOf>>[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(await rssOf(app, none, 1));
      b.push(await rssOf(app, full, PLUGINS));
    }
    const mb = (x: number) => x / 2 ** 20;
    const baseline = mb(median(a.map((x) => x.rss)));
    const subject = mb(median(b.map((x) => x.rss)));
    const diff = subject - baseline;
    const heap = (xs: typeof a) => (xs.every((x) => x.heapUsed !== null) ? `${fmt(mb(median(xs.map((x) => x.heapUsed!))))} MB` : "n/a");
    const ext = (xs: typeof a) => (xs.every((x) => x.external !== null) ? `${fmt(mb(median(xs.map((x) => x.external!))))} MB` : "n/a");
    return {
      id: "P6",
      measure: `server RSS (process tree), ${PLUGINS} plugins active vs none (MB, median of ${runs})`,
      value: subject,
      baseline,
      unit: "MB",
      verdict: `+${fmt(diff)} MB (target ≤ +150 MB)`,
      pass: diff <= 150,
      notes: `none ${fmt(baseline)} MB [${a.map((x) => fmt(mb(x.rss), 0)).join(", ")}]; ${PLUGINS} plugins ${fmt(subject)} MB [${b.map((x) => fmt(mb(x.rss), 0)).join(", ")}]; processes ${b[0]?.processes}; V8 heap used ${heap(a)} → ${heap(b)}; external ${ext(a)} → ${ext(b)}`,
    };
  } finally {
    full.cleanup();
    none.cleanup();
  }
}
