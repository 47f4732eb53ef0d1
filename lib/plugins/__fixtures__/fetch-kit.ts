import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import type { FetchContext, FetchLimits } from "../types";

/**
 * Helpers shared by the fetcher tests: temp directories removed after each test, a fetch context writing into a
 * fresh one, and the fetched tree as { path: content } (symlinks as "-> target").
 * Call at the top level of a test file (it registers an afterEach).
 */
export function fetchKit(prefix: string, limits: FetchLimits, defaults: Partial<FetchContext> = {}) {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = (p = prefix): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), p));
    dirs.push(d);
    return d;
  };
  const newCtx = (over: Partial<FetchContext> = {}): FetchContext => ({ dir: tmp(`${prefix}out-`), allowHttp: true, limits, log: () => undefined, ...defaults, ...over });
  return { tmp, newCtx };
}

export function listFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix + e.name;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, rel + "/");
      else if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else out[rel] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir, "");
  return out;
}
