/**
 * Shared helpers for the benchmarks: timing, medians and ratios. Every figure is a ratio against a baseline
 * measured in the same run (these machines are shared and noisy); medians over `runs` repetitions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Result {
  id: string;
  measure: string;
  value: number;
  baseline: number;
  unit: string;
  /** How the figure compares with the target, e.g. "ratio 1.32× (target ≤ 1.5×)". */
  verdict: string;
  pass: boolean;
  notes?: string;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Runs `baseline` and `subject` alternately `runs` times (so drift hits both) and returns both medians. */
export async function paired(runs: number, baseline: () => Promise<unknown>, subject: () => Promise<unknown>, setup?: () => Promise<void>) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    await setup?.();
    a.push(await timeMs(baseline));
    await setup?.();
    b.push(await timeMs(subject));
  }
  return { baseline: median(a), subject: median(b), baselineRuns: a, subjectRuns: b };
}

const created = new Set<string>();

/** A new temp directory, remembered so that removeTmpDirs() can delete whatever a benchmark left behind. */
export const tmpDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `opsflow-bench-${prefix}-`));
  created.add(dir);
  return dir;
};

/** Removes every directory tmpDir() made in this process (call when no benchmark is running). */
export function removeTmpDirs(): void {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
  created.clear();
}

/** Every file below `dir` as { relative path: content } (to commit a generated package to a test git repo). */
export function readFiles(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readFiles(p, base, out);
    else out[path.relative(base, p)] = fs.readFileSync(p, "utf8");
  }
  return out;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function machine(): string {
  return `${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}
