import fs from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pluginApi from "@/app/api/plugins/[code]/route";
import * as runApi from "@/app/api/plugins/[code]/run/route";
import * as pluginsApi from "@/app/api/plugins/route";
import * as sourcesApi from "@/app/api/sources/route";
import { previewSourceAction } from "@/app/(admin)/sources/actions";
import { captureLogs } from "@/lib/log";
import { startGitServer, type GitServer } from "@/lib/plugins/__fixtures__/git-server";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { confinement } from "@/lib/plugins/host/confinement";
import { resetHostSettings } from "@/lib/server/runtime/host-settings";
import { reloadRuntime } from "@/lib/server/runtime/runtime";
import { startSync } from "@/lib/server/sync/start-sync";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";

/**
 * Hostile plugin code against the whole server: a plugin set from a real git server (`git http-backend`) that tries
 * every way out of its host, described at sync and in an admin's Preview, executed by a member through the HTTP
 * API, plus the built-in HTTP request plugin aimed at the server's neighbours. The server's secrets are canaries
 * set here; none may appear in any response, log line, database row or cache file, and none of the traps (a file,
 * a TCP port, an HTTP server, the S3 cache) may be reached.
 */

const CANARIES = {
  APP_SECRET: `canary-app-secret-${"x".repeat(24)}-${process.pid}`,
  SYNC_TOKEN: `canary-sync-token-${process.pid}`,
  METRICS_TOKEN: `canary-metrics-token-${process.pid}`,
  ADMIN_PASSWORD: `canary-admin-password-${process.pid}`,
  OPSFLOW_TEST_DATABASE_URL: `postgresql://canary:canary-db-password-${process.pid}@db/opsflow`,
};
const ATTACKS = fs.readFileSync(path.resolve("lib/plugins/__fixtures__/sets/attacks/attacks.mjs"), "utf8");
const isolated = confinement().network === "isolated";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let git: GitServer;
let s3: S3Server;
let dataDir: string;
let writeDir: string;
let trapTcp: net.Server;
let trapHttp: http.Server;
let redirector: http.Server;
let trapHits = 0;
const saved: Record<string, string | undefined> = {};
const responses: string[] = [];
let logs: ReturnType<typeof captureLogs>;

const listen = (s: net.Server, host = "127.0.0.1") => new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));

/** Calls a route handler, keeps the body for the canary search, returns status + JSON. */
async function call(handler: (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>, method: string, url: string, body?: unknown, params: Record<string, string> = {}) {
  const res = await handler(jsonRequest(method, url, body), routeCtx(params));
  const text = await res.text();
  responses.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  for (const [k, v] of Object.entries({ ...CANARIES, EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE: "1", PLUGIN_EGRESS_ALLOW: "127.0.0.2/32" })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  resetHostSettings();
  logs = captureLogs("debug");
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-containment-"));
  process.env.DATA_DIR = dataDir;
  fs.writeFileSync(path.join(dataDir, "server-secret.txt"), CANARIES.APP_SECRET);
  writeDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-containment-write-"));

  trapTcp = net.createServer((s) => {
    trapHits++;
    s.on("error", () => undefined);
    s.end(CANARIES.SYNC_TOKEN);
  });
  trapHttp = http.createServer((_req, res) => {
    trapHits++;
    res.end(CANARIES.METRICS_TOKEN);
  });
  const tcpPort = await listen(trapTcp);
  const httpPort = await listen(trapHttp);
  // Allowed by PLUGIN_EGRESS_ALLOW (127.0.0.2/32), and redirects to the trap on 127.0.0.1.
  redirector = http.createServer((_req, res) => {
    res.statusCode = 302;
    res.setHeader("location", `http://127.0.0.1:${httpPort}/`);
    res.end();
  });
  const redirectPort = await listen(redirector, "127.0.0.2");
  s3 = await startS3Server();

  git = await startGitServer();
  const targets = {
    serverFile: path.join(dataDir, "server-secret.txt"),
    dataDir,
    writeDir,
    tcpPort,
    loopbackUrl: `http://127.0.0.1:${httpPort}/`,
    redirectUrl: `http://127.0.0.2:${redirectPort}/`,
    cacheUrl: `${s3.endpoint}/`,
  };
  await git.createRepo("attacks", { "attacks/attacks.mjs": ATTACKS, "attacks/targets.json": JSON.stringify(targets) });
});

afterAll(async () => {
  logs?.stop();
  for (const s of [trapTcp, trapHttp, redirector]) s?.close();
  await git?.close();
  await s3?.close();
  await database?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetHostSettings();
  fs.rmSync(writeDir, { recursive: true, force: true });
});

const source = () => ({
  name: "attacks",
  kind: "git",
  url: `${git.url}/attacks.git`,
  ref: "main",
  pluginSets: [{ submodule: "attacks", version: "1.0.0", importModules: "attacks/attacks.mjs" }],
});

type Report = Record<string, string>;
const LOCAL = ["environ", "parentEnviron", "parentCmdline", "etcHostname", "serverFile", "listDataDir", "writeTmp", "writeOwnSet", "spawn", "worker", "wasi", "inspector"];

function expectLocalRefused(report: Report) {
  for (const name of LOCAL) expect(report[name], name).toMatch(/^refused: ERR_ACCESS_DENIED/);
  expect(report.env).toBe("refused: EMPTY empty environment");
  expect(report.addon).toMatch(/^refused: ERR_DLOPEN_DISABLED/);
  if (isolated) for (const name of ["tcpLoopback", "tcpDatabase"]) expect(report[name], name).toMatch(/^refused: ENETUNREACH/);
}

describe("hostile plugin code against the server", () => {
  it("in an admin's Preview of the unsaved source: every attempt at import is refused", async () => {
    await signInAs("admin");
    const preview = await previewSourceAction(null, source());
    responses.push(JSON.stringify(preview));
    expect(preview.ok).toBe(true);
    const plugins = preview.ok ? preview.data.plugins : [];
    expect(plugins).toEqual([expect.objectContaining({ code: "atk_report", name: isolated ? "Attack report: all refused" : expect.stringMatching(/^Attack report: GOT tcpLoopback, tcpDatabase$/) })]);
  });

  it("at sync: the source syncs, and the describe-time report in its descriptor shows every attempt refused", async () => {
    expect((await call(sourcesApi.POST, "POST", "/api/sources", source())).status).toBe(201);
    const { runId, done } = await startSync({ trigger: "api", actor: "test", activate: true });
    expect(await done).toMatchObject({ status: "succeeded" });
    const run = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("succeeded");
    await reloadRuntime();
    await signInAs("member");
    const one = await call(pluginApi.GET, "GET", "/api/plugins/atk_report", undefined, { code: "atk_report" });
    expect(one.status).toBe(200);
    const report = JSON.parse(one.body.inputs[0].default) as Report;
    expectLocalRefused(report);
    for (const [k, v] of Object.entries(report).filter(([k]) => k.startsWith("fetch"))) expect(v, k).toBe("refused: TypeError fetch failed: no network while plugins are described");
  });

  it("at execute, run by a member through the API: every attempt is refused, ctx.fetch and fetch by the egress policy", async () => {
    await signInAs("member");
    const res = await call(runApi.POST, "POST", "/api/plugins/atk_report/run", { inputs: {} }, { code: "atk_report" });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("succeeded");
    const report = res.body.outputs.report as Report;
    expectLocalRefused(report);
    const fetches = Object.entries(report).filter(([k]) => /^(global:)?fetch/.test(k));
    expect(fetches).toHaveLength(22);
    for (const [k, v] of fetches) expect(v, k).toMatch(/^refused: TypeError fetch failed: refused by the egress policy: /);
    // The allowed host's redirect to loopback is refused at the second hop.
    expect(report.fetchRedirect).toMatch(/127\.0\.0\.1 is a loopback address/);
  });

  it("the built-in HTTP request plugin is held to the same policy", async () => {
    await signInAs("member");
    const httpPort = (trapHttp.address() as AddressInfo).port;
    const redirectPort = (redirector.address() as AddressInfo).port;
    const urls = [
      `http://127.0.0.1:${httpPort}/`,
      `http://localhost:${httpPort}/`,
      `http://2130706433:${httpPort}/`,
      `http://[::ffff:127.0.0.1]:${httpPort}/`,
      `http://10.0.0.1/`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://127.0.0.2:${redirectPort}/`,
      `${s3.endpoint}/`,
    ];
    for (const url of urls) {
      const res = await call(runApi.POST, "POST", "/api/plugins/builtin_http_request/run", { inputs: { url } }, { code: "builtin_http_request" });
      expect(res.body, url).toMatchObject({ status: "failed", error: expect.stringMatching(/^GET http:\/\/[^ ]+: refused by the egress policy: /) });
    }
  });

  it("checks a direct run's inputs like the process API does (422 naming the fields)", async () => {
    await signInAs("member");
    const bad = await call(runApi.POST, "POST", "/api/plugins/builtin_log/run", { inputs: { times: 2 } }, { code: "builtin_log" });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fieldErrors).sort()).toEqual(["inputs.message", "inputs.times"]);
    const wrong = await call(runApi.POST, "POST", "/api/plugins/builtin_sleep/run", { inputs: { ms: "soon" } }, { code: "builtin_sleep" });
    expect(wrong).toMatchObject({ status: 422, body: { fieldErrors: { "inputs.ms": expect.any(String) } } });
    const ok = await call(runApi.POST, "POST", "/api/plugins/builtin_log/run", { inputs: { message: "hi" } }, { code: "builtin_log" });
    expect(ok.body).toMatchObject({ status: "succeeded", logs: ["hi info"] });
  });

  it("the plugin list carries no server paths", async () => {
    await signInAs("member");
    const list = await call(pluginsApi.GET, "GET", "/api/plugins");
    const one = await call(pluginApi.GET, "GET", "/api/plugins/builtin_log", undefined, { code: "builtin_log" });
    for (const text of [JSON.stringify(list.body), JSON.stringify(one.body)]) {
      expect(text).not.toContain(dataDir);
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/"file"|"root"/);
    }
  });

  it("nothing of the server leaked anywhere, and no trap was reached", async () => {
    const dump: string[] = [];
    const tables = await database.prisma.$queryRawUnsafe<{ name: string }[]>("SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.length).toBeGreaterThan(5);
    for (const { name } of tables) {
      const rows = await database.prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(t)::text AS j FROM "${name}" t`);
      dump.push(...rows.map((r) => r.j));
    }
    const cacheFiles = fs.readdirSync(path.join(dataDir, "cache"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => fs.readFileSync(path.join(d.parentPath, d.name), "utf8"));
    const everything = [...responses, logs.raw(), ...dump, ...cacheFiles].join("\n");
    expect(everything).toContain("atk_report"); // the search looks where the plugin's results are
    for (const [name, value] of Object.entries(CANARIES)) expect(everything.includes(value), name).toBe(false);
    expect(fs.readdirSync(writeDir)).toEqual([]);
    if (isolated) expect(trapHits).toBe(0);
  });
});
