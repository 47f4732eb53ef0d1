import fs from "node:fs";
import path from "node:path";

/** Every file below `dir` as { relative POSIX path: UTF-8 content } (to commit a package to a test repo, or compare trees). */
export function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readTree(p, base, out);
    else out[path.relative(base, p).split(path.sep).join("/")] = fs.readFileSync(p, "utf8");
  }
  return out;
}
