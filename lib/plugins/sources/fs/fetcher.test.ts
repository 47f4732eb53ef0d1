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

  it("refuses symlinks that leave the source directory", async () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, "secret"), "s");
    const src1 = tmp();
    write(src1, { "a.js": "a" });
    fs.symlinkSync(path.join(outside, "secret"), path.join(src1, "abs.js"));
    expect(await codeOf(fsFetcher.fetch({ path: src1 }, {}, newCtx()))).toBe("unsafe_path");
    expect(await codeOf(fsFetcher.revision({ path: src1 }, {}, newCtx()))).toBe("unsafe_path");

    const src2 = tmp();
    write(src2, { "sub/a.js": "a" });
    fs.symlinkSync("../../etc/passwd", path.join(src2, "sub", "rel.js"));
    expect(await codeOf(fsFetcher.fetch({ path: src2 }, {}, newCtx()))).toBe("unsafe_path");

    // Each lexically inside, but "d/up" is ".." from inside "d", so "esc" -> d/up/../x leaves the root.
    const src3 = tmp();
    write(src3, { "d/x": "x" });
    fs.symlinkSync("..", path.join(src3, "d", "up"));
    fs.symlinkSync("d/up/../x", path.join(src3, "esc"));
    expect(await codeOf(fsFetcher.fetch({ path: src3 }, {}, newCtx()))).toBe("unsafe_path");
  });

  it("refuses FIFOs and other special files", async () => {
    const src = tmp();
    write(src, { "a.js": "a" });
    execFileSync("mkfifo", [path.join(src, "pipe")]);
    const t0 = Date.now();
    expect(await codeOf(fsFetcher.fetch({ path: src }, {}, newCtx()))).toBe("unsafe_path");
    expect(await codeOf(fsFetcher.revision({ path: src }, {}, newCtx()))).toBe("unsafe_path");
    expect(Date.now() - t0).toBeLessThan(2_000); // never blocked opening the FIFO
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
