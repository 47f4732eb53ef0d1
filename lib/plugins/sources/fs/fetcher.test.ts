import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FetchLimits } from "../../types";
import { fetchKit, listFiles } from "../../__fixtures__/fetch-kit";
import { codeOf } from "../../__fixtures__/source-error";
import { fsFetcher } from "./fetcher";

const LIMITS: FetchLimits = { connectTimeoutMs: 1_000, totalTimeoutMs: 10_000, maxBytes: 1 << 20, maxFiles: 100 };

const { tmp, newCtx } = fetchKit("opsflow-fs", LIMITS, { allowHttp: false });

function write(root: string, files: Record<string, string>) {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
}

describe("fsFetcher", () => {
  it("copies the directory and reports the same revision as revision()", async () => {
    const src = tmp();
    write(src, { "index.js": "export default 1;\n", "lib/a.js": "a", "lib/deep/b.json": "{}" });
    fs.symlinkSync("lib/a.js", path.join(src, "alias.js"));
    fs.symlinkSync(path.join(src, "lib", "deep"), path.join(src, "lib", "abs-link")); // absolute but inside
    fs.mkdirSync(path.join(src, ".git"));
    fs.writeFileSync(path.join(src, ".git", "HEAD"), "ref: refs/heads/main\n");
    const ctx = newCtx();
    const res = await fsFetcher.fetch({ path: src }, {}, ctx);
    expect(listFiles(ctx.dir)).toEqual({
      "index.js": "export default 1;\n",
      "lib/a.js": "a",
      "lib/deep/b.json": "{}",
      "alias.js": "-> lib/a.js",
      "lib/abs-link": "-> deep",
    });
    expect(res).toMatchObject({ files: 5, bytes: 18 + 1 + 2 });
    expect(res.revision).toMatch(/^[0-9a-f]{64}$/);
    expect(await fsFetcher.revision({ path: src }, {}, ctx)).toBe(res.revision);
  });

  it("changes the revision when content changes, not when only mtime changes", async () => {
    const src = tmp();
    write(src, { "a.js": "one", "b.js": "two" });
    const ctx = newCtx();
    const r1 = await fsFetcher.revision({ path: src }, {}, ctx);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(src, "a.js"), later, later);
    fs.writeFileSync(path.join(src, "b.js"), "two"); // rewritten, same bytes
    expect(await fsFetcher.revision({ path: src }, {}, ctx)).toBe(r1);
    fs.writeFileSync(path.join(src, "a.js"), "ONE");
    const r2 = await fsFetcher.revision({ path: src }, {}, ctx);
    expect(r2).not.toBe(r1);
    fs.renameSync(path.join(src, "b.js"), path.join(src, "c.js"));
    expect(await fsFetcher.revision({ path: src }, {}, ctx)).not.toBe(r2);
  });

  /** What a fetch of `src` left out as unsafe (paths) and wrote, and whether revision() says the same. */
  async function fetchRejecting(src: string, submodules?: string[]) {
    const ctx = newCtx({ submodules });
    const res = await fsFetcher.fetch({ path: src }, {}, ctx);
    expect(await fsFetcher.revision({ path: src }, {}, newCtx({ submodules }))).toBe(res.revision);
    return { paths: res.rejected!.map((r) => r.path).sort(), errors: res.rejected!.map((r) => r.error), files: listFiles(ctx.dir) };
  }

  it("leaves out and reports symlinks that leave the source directory", async () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, "secret"), "s");
    const src1 = tmp();
    write(src1, { "a.js": "a" });
    fs.symlinkSync(path.join(outside, "secret"), path.join(src1, "abs.js"));
    expect(await fetchRejecting(src1)).toEqual({ paths: ["abs.js"], errors: [expect.stringMatching(/abs\.js.*outside/)], files: { "a.js": "a" } });

    const src2 = tmp();
    write(src2, { "sub/a.js": "a" });
    fs.symlinkSync("../../etc/passwd", path.join(src2, "sub", "rel.js"));
    expect(await fetchRejecting(src2)).toMatchObject({ paths: ["sub/rel.js"], files: { "sub/a.js": "a" } });

    // Each lexically inside, but "d/up" is ".." from inside "d" (the root itself, refused), so "esc" -> d/up/../x leaves it.
    const src3 = tmp();
    write(src3, { "d/x": "x" });
    fs.symlinkSync("..", path.join(src3, "d", "up"));
    fs.symlinkSync("d/up/../x", path.join(src3, "esc"));
    expect(await fetchRejecting(src3)).toMatchObject({ paths: ["d/up", "esc"], files: { "d/x": "x" } });
  });

  it("leaves out and reports FIFOs and other special files", async () => {
    const src = tmp();
    write(src, { "a.js": "a" });
    execFileSync("mkfifo", [path.join(src, "pipe")]);
    expect(await fetchRejecting(src)).toEqual({ paths: ["pipe"], errors: [expect.stringMatching(/FIFO/)], files: { "a.js": "a" } });
  });

  it("copies only ctx.submodules: the rest is neither copied, counted nor checked", async () => {
    const src = tmp();
    write(src, { "custom_plugins/a.js": "a", "custom_plugins/lib/b.js": "b", "nested/deep/set/c.js": "c", "nested/deep/other.js": "no", "many/1": "1", "many/2": "2", "top.txt": "t" });
    fs.mkdirSync(path.join(src, "bad_plugins"));
    fs.symlinkSync("/etc/passwd", path.join(src, "bad_plugins", "passwd.txt"));
    execFileSync("mkfifo", [path.join(src, "nested", "pipe")]);
    const submodules = ["custom_plugins", "nested/deep/set", "custom_plugins/lib", "missing"];
    const ctx = newCtx({ submodules, limits: { ...LIMITS, maxFiles: 3 } });
    const res = await fsFetcher.fetch({ path: src }, {}, ctx);
    expect(res).toMatchObject({ files: 3, bytes: 3, rejected: [] });
    expect(listFiles(ctx.dir)).toEqual({ "custom_plugins/a.js": "a", "custom_plugins/lib/b.js": "b", "nested/deep/set/c.js": "c" });
    // A change outside the sets is no new revision.
    const before = await fsFetcher.revision({ path: src }, {}, newCtx({ submodules }));
    fs.writeFileSync(path.join(src, "top.txt"), "changed");
    expect(await fsFetcher.revision({ path: src }, {}, newCtx({ submodules }))).toBe(before);
    expect(before).toBe(res.revision);
  });

  it("reports a submodule (or a folder above it) that is a symlink instead of following it", async () => {
    const src = tmp();
    write(src, { "real/a.js": "a" });
    fs.symlinkSync("real", path.join(src, "plugins"));
    fs.symlinkSync(".", path.join(src, "up"));
    const { paths, errors } = await fetchRejecting(src, ["plugins", "up/real"]);
    expect(paths).toEqual(["plugins", "up"]);
    expect(errors[0]).toMatch(/symlink; a submodule and the folders above it must be directories/);
  });

  it("reports a missing directory as not_found and a relative path as config", async () => {
    const missing = path.join(os.tmpdir(), `opsflow-missing-${process.pid}-${Date.now()}`);
    expect(await codeOf(fsFetcher.fetch({ path: missing }, {}, newCtx()))).toBe("not_found");
    expect(await codeOf(fsFetcher.revision({ path: missing }, {}, newCtx()))).toBe("not_found");
    const file = path.join(tmp(), "file");
    fs.writeFileSync(file, "x");
    expect(await codeOf(fsFetcher.fetch({ path: file }, {}, newCtx()))).toBe("not_found");
    expect(await codeOf(fsFetcher.fetch({ path: "relative/dir" }, {}, newCtx()))).toBe("config");
  });

  it("enforces maxFiles and maxBytes", async () => {
    const src = tmp();
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`f${i}.txt`] = "x".repeat(100);
    write(src, files);
    expect(await codeOf(fsFetcher.fetch({ path: src }, {}, newCtx({ limits: { ...LIMITS, maxFiles: 10 } })))).toBe("too_large");
    expect(await codeOf(fsFetcher.fetch({ path: src }, {}, newCtx({ limits: { ...LIMITS, maxBytes: 1_000 } })))).toBe("too_large");
    expect((await fsFetcher.fetch({ path: src }, {}, newCtx({ limits: { ...LIMITS, maxFiles: 20, maxBytes: 2_000 } }))).files).toBe(20);
  });

  it("does not copy the destination into itself when it lies inside the source", async () => {
    const src = tmp();
    write(src, { "a.js": "a" });
    const dest = path.join(src, "cache");
    fs.mkdirSync(dest);
    const res = await fsFetcher.fetch({ path: src }, {}, newCtx({ dir: dest }));
    expect(res.files).toBe(1);
    expect(listFiles(dest)).toEqual({ "a.js": "a" });
  });
});
