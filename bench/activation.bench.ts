/**
 * P14 — activation convergence across 3 instances on PostgreSQL: from activateGeneration returning to the last of
 *       3 instances (child processes, each its own runtime directory, one database and cache) serving the
 *       generation; the maximum over the trials. Baseline in the same run: the same 3 instances with the poll only
 *       (PLUGIN_LISTEN_ACTIVATIONS=0, the default 5 s interval), as before issue 18.       target ≤ 1 s max
 * P13 — push to picker: a commit pushed to a git repository served by `git http-backend`, then a signed webhook
 *       delivery (GitHub format) → the new plugin version served by all 3 instances. Median over the trials.
 *       Baseline in the same run: "Sync now" of that source (startSync) → the same.          target ≤ 3 s median
 *
 * Both need PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fmt, median, readFiles, tmpDir, type Result } from "./lib";

process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
process.env.LOG_LEVEL ??= "warn";
process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";

const INSTANCES = 3;

/** 3 instances (the multi-instance tests' fixture) on `url`; `serving(gen)` resolves when all serve `gen` (its time). */
export async function instances(url: string, listen: boolean) {
  const seen: { serving: number | null; at: number }[][] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    seen.push([]);
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/runtime/__fixtures__/instance.ts"], {
      env: { ...process.env, DATABASE_URL: url, PLUGIN_RUNTIME_DIR: tmpDir("p14-runtime"), PLUGIN_LISTEN_ACTIVATIONS: listen ? "1" : "0", PLUGIN_POLL_INTERVAL_MS: "5000", NODE_ENV: "development" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout!.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n").filter(Boolean)) {
        try {
          seen[i].push(JSON.parse(line));
        } catch {
          // the instance's own log lines
        }
      }
    });
    children.push(child);
  }
  return {
    /** When the last instance started serving `gen` after `since` (epoch ms). */
    async allServe(gen: number, since: number, timeoutMs = 60_000): Promise<number> {
      const start = Date.now();
      for (;;) {
        const at = seen.map((s) => s.findLast((x) => x.serving === gen && x.at >= since)?.at);
        if (at.every((x) => x !== undefined)) return Math.max(...(at as number[]));
        if (Date.now() - start > timeoutMs) throw new Error(`instances did not all serve generation ${gen}: ${JSON.stringify(seen.map((s) => s.at(-1)))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    },
  };
}

/** Activations alternating between two generations, `trials` times; convergence time of each (ms). */
async function converge(url: string, listen: boolean, gens: [number, number], trials: number): Promise<number[]> {
  const { activateGeneration } = await import("../lib/server/generations/activate-generation");
  const cluster = await instances(url, listen);
  try {
    await cluster.allServe(gens[0], 0);
    const out: number[] = [];
    for (let t = 0; t < trials; t++) {
      const gen = gens[(t + 1) % 2];
      // Not in step with the poll: a pause of a random part of the interval between trials.
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      await activateGeneration(gen, "bench");
      const activatedAt = Date.now();
      out.push((await cluster.allServe(gen, activatedAt)) - activatedAt);
    }
    return out;
  } finally {
    await cluster.close();
  }
}

export async function p14(runs: number): Promise<Result> {
  const trials = Math.max(10, runs);
  const { createTestDatabase } = await import("../lib/test/database");
  const { startSync } = await import("../lib/server/sync/start-sync");
  process.env.DATA_DIR = tmpDir("p14-data");
  const database = await createTestDatabase();
  try {
    const src = tmpDir("p14-src");
    fs.cpSync(path.resolve("examples/plugins"), src, { recursive: true });
    await database.prisma.pluginSource.create({
      data: { name: "examples", kind: "fs", settings: { path: src }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
    });
    const a = (await (await startSync({ trigger: "cli", actor: "bench", activate: true })).done)!.generation!;
    fs.writeFileSync(path.join(src, "custom_plugins", "note.txt"), "changed");
    const b = (await (await startSync({ trigger: "cli", actor: "bench", activate: false })).done)!.generation!;
    const notified = await converge(database.url!, true, [a, b], trials);
    const { activateGeneration } = await import("../lib/server/generations/activate-generation");
    await activateGeneration(a, "bench");
    const polled = await converge(database.url!, false, [a, b], trials);
    const value = Math.max(...notified);
    const baseline = Math.max(...polled);
    return {
      id: "P14",
      measure: `activation → all ${INSTANCES} instances on PostgreSQL serve it (ms, max of ${trials}); baseline: the same with the 5 s poll only`,
      value,
      baseline,
      unit: "ms",
      verdict: `max ${fmt(value, 0)} ms (target ≤ 1000 ms); poll only: max ${fmt(baseline, 0)} ms; ratio ${fmt(value / baseline, 2)}×`,
      pass: value <= 1000,
      notes: `notified [${notified.map((x) => fmt(x, 0)).join(", ")}] median ${fmt(median(notified), 0)} ms; polled [${polled.map((x) => fmt(x, 0)).join(", ")}] median ${fmt(median(polled), 0)} ms`,
    };
  } finally {
    await database.close();
  }
}


const HOOK_SECRET = "bench-webhook-secret-0123456789";

export async function p13(runs: number): Promise<Result> {
  const trials = Math.max(10, runs);
  const { createTestDatabase } = await import("../lib/test/database");
  const { startSync } = await import("../lib/server/sync/start-sync");
  const { receiveWebhook } = await import("../lib/server/hooks/receive-webhook");
  const { encryptSecret } = await import("../lib/secrets");
  const { startGitServer } = await import("../lib/plugins/__fixtures__/git-server");
  process.env.DATA_DIR = tmpDir("p13-data");
  const database = await createTestDatabase();
  const git = await startGitServer();
  const files = readFiles(path.resolve("examples/plugins"));
  const test1 = "custom_plugins/collections/test1.js";
  try {
    const { url } = await git.createRepo("plugins", files);
    const source = await database.prisma.pluginSource.create({
      data: {
        name: "pushed",
        kind: "git",
        settings: { url, ref: "main", username: "" },
        webhookSecret: encryptSecret(HOOK_SECRET),
        pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] },
      },
    });
    const first = (await (await startSync({ trigger: "cli", actor: "bench", activate: true })).done)!.generation!;
    const cluster = await instances(database.url!, true);
    const active = async () => (await database.prisma.generation.findFirstOrThrow({ where: { status: "active" } })).id;
    let n = 0;
    /** Push a new version of the plugin, then `trigger` a sync; ms until all instances serve the new generation. */
    const trial = async (trigger: (sha: string) => Promise<void>) => {
      const t0 = Date.now();
      const sha = await git.commit("plugins", { [test1]: files[test1].replace('version: "1.0.0"', `version: "1.0.${++n}"`) });
      await trigger(sha);
      const gen = await active();
      return (await cluster.allServe(gen, t0)) - t0;
    };
    const hook = async (sha: string) => {
      const body = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { name: "plugins" } });
      const signature = `sha256=${createHmac("sha256", HOOK_SECRET).update(body).digest("hex")}`;
      const request = new Request(`http://localhost/api/hooks/${source.id}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": signature },
      });
      const received = await receiveWebhook(source.id, request);
      if (received.body.status !== "queued") throw new Error(`P13: delivery answered ${JSON.stringify(received.body)}`);
      await received.drained;
    };
    const syncNow = async () => {
      await (await startSync({ trigger: "admin", actor: "bench", only: ["pushed"], activate: true })).done;
    };
    try {
      await cluster.allServe(first, 0);
      const pushed: number[] = [];
      const direct: number[] = [];
      for (let t = 0; t < trials; t++) {
        pushed.push(await trial(hook));
        direct.push(await trial(syncNow));
      }
      const value = median(pushed);
      const baseline = median(direct);
      return {
        id: "P13",
        measure: `git push + signed GitHub delivery → new plugin version served by all ${INSTANCES} instances on PostgreSQL (ms, median of ${trials}); baseline: push + "Sync now" of that source`,
        value,
        baseline,
        unit: "ms",
        verdict: `median ${fmt(value, 0)} ms (target ≤ 3000 ms); push + Sync now ${fmt(baseline, 0)} ms; ratio ${fmt(value / baseline, 2)}×`,
        pass: value <= 3000,
        notes: `webhook [${pushed.map((x) => fmt(x, 0)).join(", ")}] ms, max ${fmt(Math.max(...pushed), 0)}; Sync now [${direct.map((x) => fmt(x, 0)).join(", ")}] ms`,
      };
    } finally {
      await cluster.close();
    }
  } finally {
    await git.close();
    await database.close();
  }
}
