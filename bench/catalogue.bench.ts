/**
 * P15 — the plugins page (catalogue, first page) with 1,000 plugins in Chromium: HTML bytes and time to first
 *       contentful paint, against a static copy of the same HTML (scripts left out) served by the same
 *       `next start` from public/.                                   targets: < 200 KB of HTML, first paint < 1 s
 * The production build (prepareApp) on a temp DATA_DIR with a 1,000-plugin generation active (prepareDataDir).
 * Also measured, in the notes: /cache, a small admin page of the same app (the fixed cost of any dynamic page).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chromium, type BrowserContext } from "@playwright/test";
import { fmt, median, type Result } from "./lib";
import { countPlugins, get, prepareApp, prepareDataDir, sessionCookie, sleep, startServer, type RunningServer } from "./server-harness";

const PLUGINS = 1000;
const progress = (line: string) => process.stdout.write(`[${line}] `);

/** Time from navigation start to the first contentful paint of `url` in a fresh page (ms). */
async function firstPaint(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: "load" });
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const hit = performance.getEntriesByName("first-contentful-paint")[0];
          if (hit) return resolve(hit.startTime);
          new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
        }),
    );
    return ms;
  } finally {
    await page.close();
  }
}

export async function p15(runs: number): Promise<Result> {
  const app = await prepareApp(progress);
  const data = await prepareDataDir({ plugins: PLUGINS });
  const publicDir = path.join(app, "public");
  const createdPublic = !fs.existsSync(publicDir);
  const name = `opsflow-bench-${process.pid}-${randomBytes(4).toString("hex")}.html`;
  const staticFile = path.join(publicDir, name);
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`P15 needs Chromium at ${executablePath}`);
  let server: RunningServer | null = null;
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  try {
    const cookie = await sessionCookie(data.userId);
    server = await startServer(app, data);
    for (let i = 0; ; i++) {
      const res = await get(`${server.url}/api/plugins`, { cookie });
      if (res.status === 200 && countPlugins(res.body) >= PLUGINS) break;
      if (i > 300) throw new Error(`the generation did not load:\n${server.output()}`);
      await sleep(200);
    }
    const page = await get(`${server.url}/plugins`, { cookie });
    if (page.status !== 200) throw new Error(`/plugins: ${page.status}`);
    const html = page.body.toString("utf8");
    if (!html.includes('data-testid="catalogue"')) throw new Error("/plugins has no catalogue");
    const bytes = page.body.length;
    // The baseline: the same document, stylesheet and all, without its scripts (a static page paints without them).
    fs.mkdirSync(publicDir, { recursive: true });
    fs.writeFileSync(staticFile, html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, ""));
    // next start lists public/ at start-up only: restart so the file is served.
    await server.stop();
    server = await startServer(app, data);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-US" });
    await context.addCookies([{ name: "opsflow_session", value: cookie.slice(cookie.indexOf("=") + 1), url: server.url }]);
    // Warm-up (server caches, the browser's CSS cache), not counted.
    await firstPaint(context, `${server.url}/plugins`);
    await firstPaint(context, `${server.url}/${name}`);
    await firstPaint(context, `${server.url}/cache`);
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(await firstPaint(context, `${server.url}/${name}`));
      b.push(await firstPaint(context, `${server.url}/plugins`));
      c.push(await firstPaint(context, `${server.url}/cache`));
    }
    await context.close();
    const subject = median(b);
    const baseline = median(a);
    return {
      id: "P15",
      measure: `plugins page with ${PLUGINS} plugins: first contentful paint in Chromium (ms, median of ${runs}); HTML bytes`,
      value: subject,
      baseline,
      unit: "ms",
      verdict: `${fmt(subject)} ms first paint (target < 1000 ms), ${fmt(subject / baseline, 2)}× the static copy; ${fmt(bytes / 1024)} KB of HTML (target < 200 KB)`,
      pass: subject < 1000 && bytes < 200 * 1024,
      notes: `/plugins ${fmt(subject)} ms [${b.map((x) => fmt(x, 0)).join(", ")}]; static copy ${fmt(baseline)} ms [${a.map((x) => fmt(x, 0)).join(", ")}]; /cache ${fmt(median(c))} ms [${c.map((x) => fmt(x, 0)).join(", ")}]; ${bytes} bytes of HTML (${(html.match(/<tr\b/g) ?? []).length} table rows)`,
    };
  } finally {
    await browser.close();
    await server?.stop();
    fs.rmSync(staticFile, { force: true });
    if (createdPublic) fs.rmSync(publicDir, { recursive: true, force: true });
    data.cleanup();
  }
}
