import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { assertSafeKey, type CacheStore } from "./types";

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
  return {
    location: abs,
    async put(key, body) {
      const target = file(key);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      await fs.writeFile(tmp, body, { flag: "wx" });
      await fs.rename(tmp, target);
    },
    get: (key) => fs.readFile(file(key)),
    async getIfExists(key) {
      try {
        return await fs.readFile(file(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    async has(key) {
      try {
        return (await fs.stat(file(key))).isFile();
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
    },
  };
}
