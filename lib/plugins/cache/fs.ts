import { randomBytes } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { assertSafeKey, type CacheStore } from "./types";

/**
 * Bodies and files up to this size are written and read with one synchronous call each. The cache's objects are
 * mostly small source files; through fs.promises each costs 3-4 thread-pool round trips, which made syncs and
 * activations of a thousand files 3-5x slower than the I/O itself (BENCHMARKS.md, P1 and P3). A 1 MiB local read
 * blocks the event loop for well under a millisecond; larger files keep the asynchronous path.
 */
const SYNC_MAX = 1 << 20;

/** Removes `dir` if it is empty; false when it holds something (or is gone already). */
async function removeIfEmpty(dir: string): Promise<boolean> {
  try {
    await fs.rmdir(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOENT") return false;
    throw err;
  }
}

/**
 * A cache directory. Writes go to a temp file in the same directory and are renamed into place, so a reader
 * (another instance on the same NFS mount) never sees a half-written file and a crash leaves at most a temp file.
 */
export function fsCache(root: string): CacheStore {
  const abs = path.resolve(root);
  const file = (key: string) => {
    assertSafeKey(key);
    return path.join(abs, ...key.split("/"));
  };
  /** Temp names: a random tag per store (other processes) and a counter (this one); randomBytes per put showed up in profiles. */
  const tag = randomBytes(6).toString("hex");
  let writes = 0;
  /** Directories this store created or found, so each is made once (objects/ has 256 of them). */
  const dirs = new Set<string>();
  const ensureDir = (dir: string) => {
    if (dirs.has(dir)) return;
    fsSync.mkdirSync(dir, { recursive: true });
    dirs.add(dir);
  };
  const read = async (target: string): Promise<Buffer> => {
    const fd = fsSync.openSync(target, "r");
    let size: number;
    try {
      size = fsSync.fstatSync(fd).size;
      if (size <= SYNC_MAX) return fsSync.readFileSync(fd);
    } finally {
      fsSync.closeSync(fd);
    }
    return fs.readFile(target);
  };
  return {
    location: abs,
    async put(key, body) {
      const target = file(key);
      const tmp = `${target}.${tag}${(++writes).toString(36)}.tmp`;
      ensureDir(path.dirname(target));
      if (body.length <= SYNC_MAX) {
        try {
          fsSync.writeFileSync(tmp, body, { flag: "wx" });
        } catch (e) {
          // The directory may have been removed behind our back (tests, an operator): forget it and retry once.
          if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
          dirs.delete(path.dirname(target));
          ensureDir(path.dirname(target));
          fsSync.writeFileSync(tmp, body, { flag: "wx" });
        }
        fsSync.renameSync(tmp, target);
        return;
      }
      await fs.writeFile(tmp, body, { flag: "wx" });
      await fs.rename(tmp, target);
    },
    async putIfAbsent(key, body) {
      const target = file(key);
      const tmp = `${target}.${tag}${(++writes).toString(36)}.tmp`;
      ensureDir(path.dirname(target));
      // Written whole under a temp name, then linked: link(2) fails if the target exists (on NFS too), so the key
      // appears complete and at most once, where an exclusive open ('wx') of the target would show it half written.
      await fs.writeFile(tmp, body, { flag: "wx" });
      try {
        await fs.link(tmp, target);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw err;
      } finally {
        await fs.rm(tmp, { force: true });
      }
    },
    async get(key) {
      return read(file(key));
    },
    async getIfExists(key) {
      try {
        return await read(file(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    async has(key) {
      try {
        return fsSync.statSync(file(key)).isFile();
      } catch {
        return false;
      }
    },
    async list(prefix) {
      const base = prefix ? file(prefix.replace(/\/$/, "")) : abs;
      const out: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        let entries;
        try {
          entries = await fs.readdir(dir, { withFileTypes: true });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
          throw err;
        }
        for (const e of entries) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else if (e.isFile() && !e.name.endsWith(".tmp")) out.push(path.relative(abs, p).split(path.sep).join("/"));
        }
      };
      await walk(base);
      return out.sort();
    },
    async delete(keys) {
      await Promise.all(keys.map((k) => fs.rm(file(k), { force: true })));
      // A key's directories are no part of the store: those left empty go too (generations/<n>/, objects/<xx>/).
      const parents = new Set(keys.map((k) => path.dirname(file(k))));
      for (let dir of parents) {
        while (dir !== abs && dir.startsWith(abs + path.sep) && (await removeIfEmpty(dir))) {
          dirs.delete(dir);
          dir = path.dirname(dir);
        }
      }
    },
  };
}
