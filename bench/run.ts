/**
 * npm run bench [-- P1 P3 ...] [--runs N]: runs the benchmarks (all by default) and prints a table of medians and
 * ratios against their in-run baselines. Results are recorded in BENCHMARKS.md with the command that made them.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { machine, removeTmpDirs, type Result } from "./lib";
import { p13, p14 } from "./activation.bench";
import { p9, p10 } from "./cache.bench";
import { p15 } from "./catalogue.bench";
import { p7 } from "./picker.bench";
import { p11, p12 } from "./queue.bench";
import { f1, p3, p5, p8 } from "./runtime.bench";
import { p4, p6 } from "./server.bench";
import { p1, p2 } from "./sync.bench";

const BENCHES: Record<string, (runs: number) => Promise<Result>> = { P1: p1, P2: p2, P3: p3, P4: p4, P5: p5, P6: p6, P7: p7, P8: p8, P9: p9, P10: p10, P11: p11, P12: p12, P13: p13, P14: p14, P15: p15, F1: f1 };

/** One decimal, or three significant digits for small values (µs-scale baselines). */
const num = (x: number) => (Math.abs(x) >= 10 || x === 0 ? x.toFixed(1) : x.toPrecision(3));

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string", default: "5" } } });
  const runs = Math.max(1, Number(values.runs) || 5);
  const ids = positionals.length ? positionals.map((p) => p.toUpperCase()) : Object.keys(BENCHES);
  const unknown = ids.filter((id) => !BENCHES[id]);
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  console.log(`machine: ${machine()}\n`);
  const results: Result[] = [];
  for (const id of ids) {
    // Flush what the previous benchmark left for the kernel to write back (P1/P2 write and delete thousands of
    // files): otherwise that writeback lands in the next one's runs. P3's activation writes 1,000 files while its
    // baseline only reads; after P2 it measured +190 ms in a full run and +31 ms alone.
    execFileSync("sync");
    process.stdout.write(`${id} … `);
    const r = await BENCHES[id](runs);
    results.push(r);
    console.log(`${r.verdict} ${r.pass ? "✓" : "✗"}  (${r.notes ?? ""})`);
  }
  console.log("\n| id | measure | result | baseline | verdict |\n|---|---|---|---|---|");
  for (const r of results) console.log(`| ${r.id} | ${r.measure} | ${num(r.value)} ${r.unit} | ${num(r.baseline)} ${r.unit} | ${r.verdict} ${r.pass ? "✓" : "✗"} |`);
  process.exit(0);
}

// Whatever a benchmark left in the temp dir (generated packages, caches) goes when the process ends, failed or not.
process.on("exit", removeTmpDirs);

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
