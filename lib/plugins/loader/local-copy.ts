import { createHash } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { FileEntry } from "../sync/manifest";
import { eachLimited } from "../each-limited";
import { fileIn } from "./paths";

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);
export const IO_CONCURRENCY = 8;

export const sha256 = (body: Buffer) => createHash("sha256").update(body).digest("hex");

/** Every entry below `dir` as a relative POSIX path, split into regular files and anything else (links, fifos…). */
async function walk(dir: string): Promise<{ files: Set<string>; other: string[] }> {
  const files = new Set<string>();
  const other: string[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(path.join(abs, e.name), r);
      else if (e.isFile()) files.add(r);
      else other.push(r);
    }
  };
  await visit(dir, "");
  return { files, other };
}

/**
 * Checks a set's directory on disk against the manifest: every listed file present, a regular file (links are not
 * followed), with the listed size and sha256, and nothing else in the directory. Returns one line per problem
 * (empty = the copy is exactly the set); a missing directory is one problem.
 */
export async function verifyLocalSet(setDir: string, files: FileEntry[]): Promise<string[]> {
  let found: Awaited<ReturnType<typeof walk>>;
  try {
    // The set directory itself must not be a link to somewhere else.
    if (!(await fs.lstat(setDir)).isDirectory()) return ["the local copy is not a directory"];
    found = await walk(setDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [code === "ENOENT" ? "no local copy of the set" : `the local copy cannot be read (${code ?? String(err)})`];
  }
  const problems: string[] = [];
  const listed = new Set(files.map((f) => f.path));
  await eachLimited(files, IO_CONCURRENCY, async (f) => {
    if (!found.files.has(f.path)) {
      problems.push(`${f.path}: ${found.other.includes(f.path) ? "not a regular file" : "missing"} in the local copy`);
      return;
    }
    let body: Buffer;
    const handle = await fs.open(fileIn(setDir, f.path), READ_FLAGS).catch(() => null);
    if (!handle) return void problems.push(`${f.path}: cannot be read in the local copy`);
    try {
      body = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (sha256(body) !== f.sha256) problems.push(`${f.path}: sha256 mismatch in the local copy`);
    else if (body.length !== f.size) problems.push(`${f.path}: size mismatch in the local copy (${body.length} bytes, expected ${f.size})`);
  });
  problems.sort();
  for (const p of [...found.files].sort()) if (!listed.has(p)) problems.push(`${p}: unexpected file in the local copy`);
  for (const p of found.other.sort()) if (!listed.has(p)) problems.push(`${p}: unexpected entry in the local copy`);
  return problems;
}

/** A one-line reason from a problem list. */
export const summarize = (problems: string[]) =>
  problems.length > 1 ? `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : problems[0];
