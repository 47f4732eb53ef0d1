import fs from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeSet } from "../describe/describe-set";
import { confinement, configureHosts, describeConfinement, permissionFlagFor, resetConfinement } from "./confinement";
import { createExecutionPool } from "./pool";

/**
 * The confinement of plugin hosts, tried from inside with the attacks fixture: every way out it knows, at import
 * (describe) and at execute. Each must come back refused, and nothing of the server may reach the plugin.
 */

const ATTACKS = path.resolve("lib/plugins/__fixtures__/sets/attacks");
const CANARY = `canary-${process.pid}-${Date.now()}`;
let set: string;
let writeDir: string;
let tcp: net.Server;
let tcpConnections = 0;

beforeAll(async () => {
  process.env.OPSFLOW_HOST_TEST_CANARY = CANARY;
  tcp = net.createServer((s) => {
    tcpConnections++;
    s.on("error", () => undefined); // the plugin drops the connection at once
    s.end(CANARY);
  });
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  // The set, with targets: a server-side file holding the canary, a directory to write to, the canary port.
  set = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-attacks-"));
  writeDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-attacks-write-"));
  const serverFile = path.join(writeDir, "server-secret.txt");
  fs.writeFileSync(serverFile, CANARY);
  fs.copyFileSync(path.join(ATTACKS, "attacks.mjs"), path.join(set, "attacks.mjs"));
  const port = (tcp.address() as AddressInfo).port;
  fs.writeFileSync(path.join(set, "targets.json"), JSON.stringify({ serverFile, dataDir: writeDir, writeDir, tcpPort: port, loopbackUrl: `http://127.0.0.1:${port}/` }));
});
afterAll(() => {
  delete process.env.OPSFLOW_HOST_TEST_CANARY;
  tcp.close();
  fs.rmSync(set, { recursive: true, force: true });
  fs.rmSync(writeDir, { recursive: true, force: true });
});

const LOCAL = ["environ", "parentEnviron", "parentCmdline", "etcHostname", "serverFile", "listDataDir", "writeTmp", "writeOwnSet", "spawn", "worker", "wasi", "inspector"];

function expectAllRefused(report: Record<string, string>, isolated: boolean) {
  for (const name of LOCAL) expect(report[name], name).toMatch(/^refused: ERR_ACCESS_DENIED/);
  expect(report.env).toBe("refused: EMPTY empty environment");
  expect(report.addon).toMatch(/^refused: ERR_DLOPEN_DISABLED/);
  if (isolated) {
    expect(report.tcpLoopback).toMatch(/^refused: ENETUNREACH/);
    expect(report.tcpDatabase).toMatch(/^refused: ENETUNREACH/);
  }
  expect(JSON.stringify(report)).not.toContain(CANARY);
}

describe("plugin hosts: confinement", () => {
  const isolated = confinement().network === "isolated";

  it("says what is in force", () => {
    const c = confinement();
    expect(c).toMatchObject({ files: "own-set-only", environment: "empty", processes: "blocked", permissionFlag: permissionFlagFor(process.version) });
    expect(describeConfinement(c)).toMatch(/read access to their own set only/);
    if (!isolated) expect(describeConfinement(c)).toMatch(/network OPEN/);
  });

  it("at describe: every attempt at import is refused and nothing of the server comes back", async () => {
    const r = await describeSet(set, [{ entry: "attacks", file: "attacks.mjs" }]);
    expect(r.errors).toEqual([]);
    const report = JSON.parse(r.descriptors[0].inputs[0].default as string) as Record<string, string>;
    expectAllRefused(report, isolated);
    for (const [name, result] of Object.entries(report).filter(([k]) => k.startsWith("fetch"))) {
      expect(result, name).toBe("refused: TypeError fetch failed: no network while plugins are described");
    }
    expect(JSON.stringify(r)).not.toContain(CANARY);
  });

  it("at execute: the same, and ctx.fetch / fetch to loopback, private and metadata ranges are refused by the policy", async () => {
    const pool = createExecutionPool({ name: "attacks", maxHosts: 1 });
    try {
      const described = await describeSet(set, [{ entry: "attacks", file: "attacks.mjs" }]);
      const r = await pool.execute({ file: path.join(set, "attacks.mjs"), root: set, descriptor: described.descriptors[0], inputs: {} });
      expect(r.status).toBe("succeeded");
      const report = (r.outputs as { report: Record<string, string> }).report;
      expectAllRefused(report, isolated);
      const fetches = Object.entries(report).filter(([k]) => /^(global:)?fetch/.test(k));
      expect(fetches.length).toBeGreaterThanOrEqual(22);
      for (const [name, result] of fetches) expect(result, name).toMatch(/^refused: TypeError fetch failed: refused by the egress policy: /);
      expect(JSON.stringify(r)).not.toContain(CANARY);
    } finally {
      await pool.close({ force: true });
    }
  });

  it("nothing was written outside the set, and no connection reached the server's loopback", () => {
    expect(fs.readdirSync(writeDir)).toEqual(["server-secret.txt"]);
    expect(fs.existsSync(path.join(set, "written-by-plugin.txt"))).toBe(false);
    if (isolated) expect(tcpConnections).toBe(0);
  });
});

describe("plugin hosts: where the network cannot be isolated", () => {
  const path0 = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path0;
    configureHosts({ requireNetworkIsolation: false });
    resetConfinement();
  });

  it("is detected and said (no unshare on PATH), and PLUGIN_REQUIRE_NETWORK_ISOLATION then refuses to run plugin code", async () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-empty-path-"));
    resetConfinement();
    const c = confinement();
    expect(c).toMatchObject({ network: "open", networkProblem: "the unshare program (util-linux) is not installed" });
    expect(describeConfinement(c)).toContain("network OPEN to raw sockets (the unshare program (util-linux) is not installed)");
    // Files, environment and processes stay confined: only the network is open.
    const pool = createExecutionPool({ name: "degraded", maxHosts: 1 });
    try {
      const described = await describeSet(set, [{ entry: "attacks", file: "attacks.mjs" }]);
      const r = await pool.execute({ file: path.join(set, "attacks.mjs"), root: set, descriptor: described.descriptors[0], inputs: {} });
      const report = (r.outputs as { report: Record<string, string> }).report;
      for (const name of LOCAL) expect(report[name], name).toMatch(/^refused: ERR_ACCESS_DENIED/);
      expect(report.tcpLoopback).toMatch(/^GOT: connected to 127\.0\.0\.1/); // the documented limit of this mode
      configureHosts({ requireNetworkIsolation: true });
      const strict = createExecutionPool({ name: "strict", maxHosts: 1 });
      const refused = await strict.execute({ file: path.join(set, "attacks.mjs"), root: set, descriptor: described.descriptors[0], inputs: {} });
      await strict.close();
      expect(refused).toMatchObject({ status: "crashed", error: expect.stringMatching(/^plugin hosts need network isolation \(PLUGIN_REQUIRE_NETWORK_ISOLATION=1\) but it is not available: /) });
      const describedRefused = await describeSet(set, [{ entry: "attacks", file: "attacks.mjs" }]);
      expect(describedRefused.errors[0].error).toMatch(/^plugin hosts need network isolation/);
    } finally {
      await pool.close({ force: true });
    }
  });

  it("uses the permission flag of the Node version", () => {
    expect(permissionFlagFor("v20.20.2")).toBe("--experimental-permission");
    expect(permissionFlagFor("v22.12.0")).toBe("--experimental-permission");
    expect(permissionFlagFor("v22.13.0")).toBe("--permission");
    expect(permissionFlagFor("v23.5.0")).toBe("--permission");
    expect(permissionFlagFor("v24.0.0")).toBe("--permission");
  });
});
