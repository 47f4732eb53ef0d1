import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fsCache } from "./fs";
import { objectKey } from "./types";

const roots: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-fs-cache-"));
  roots.push(dir);
  return dir;
};
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** Every file under root (temp files included), relative, sorted. */
const filesUnder = (root: string): string[] =>
  (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();

describe("fsCache", () => {
  it("round-trips small bodies (sync path) and large ones (async path); leaves no temp files", async () => {
    const root = tmp();
    const cache = fsCache(root);
    const small = Buffer.from("export default [];\n");
    const large = Buffer.alloc((1 << 20) + 10, 7);
    await cache.put(objectKey("a".repeat(64)), small);
    await cache.put(objectKey("b".repeat(64)), large);
    await cache.put("generations/00000001/manifest.json", Buffer.from("{}"));
    expect((await cache.get(objectKey("a".repeat(64)))).equals(small)).toBe(true);
    expect((await cache.get(objectKey("b".repeat(64)))).equals(large)).toBe(true);
    expect(filesUnder(root)).toEqual([`objects/aa/${"a".repeat(64)}`, `objects/bb/${"b".repeat(64)}`, "generations/00000001/manifest.json"].sort());
    expect(await cache.list("objects/")).toEqual([`objects/aa/${"a".repeat(64)}`, `objects/bb/${"b".repeat(64)}`]);
  });

  it("has / getIfExists / get on a missing key", async () => {
    const cache = fsCache(tmp());
    expect(await cache.has(objectKey("c".repeat(64)))).toBe(false);
    expect(await cache.getIfExists(objectKey("c".repeat(64)))).toBeNull();
    await expect(cache.get(objectKey("c".repeat(64)))).rejects.toMatchObject({ code: "ENOENT" });
    await cache.put(objectKey("c".repeat(64)), Buffer.from("x"));
    expect(await cache.has(objectKey("c".repeat(64)))).toBe(true);
    expect(await cache.has("objects/cc")).toBe(false); // a directory is not an object
  });

  it("writes again into a directory removed behind its back (it remembers directories it made)", async () => {
    const root = tmp();
    const cache = fsCache(root);
    await cache.put(objectKey("d".repeat(64)), Buffer.from("one"));
    fs.rmSync(path.join(root, "objects"), { recursive: true });
    await cache.put(objectKey("d".repeat(64)), Buffer.from("two"));
    expect((await cache.get(objectKey("d".repeat(64)))).toString()).toBe("two");
  });

  it("overwriting a key replaces it whole; a reader never sees a temp file in list()", async () => {
    const root = tmp();
    const cache = fsCache(root);
    const key = "generations/00000002/manifest.json";
    await cache.put(key, Buffer.from("first"));
    fs.writeFileSync(path.join(root, "generations/00000002/manifest.json.abc.tmp"), "half");
    await cache.put(key, Buffer.from("second"));
    expect((await cache.get(key)).toString()).toBe("second");
    expect(await cache.list("generations/")).toEqual([key]);
  });

  it("refuses unsafe keys", async () => {
    const cache = fsCache(tmp());
    await expect(cache.put("../escape", Buffer.from("x"))).rejects.toThrow(/unsafe cache key/);
    await expect(cache.get("objects/../../etc/passwd")).rejects.toThrow(/unsafe cache key/);
  });
});
