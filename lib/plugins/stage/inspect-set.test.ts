import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SET_LIMITS, inspectSet } from "./inspect-set";
import { sourceErrorOf } from "../__fixtures__/source-error";

const EXAMPLES = fileURLToPath(new URL("../../../examples/plugins", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../__fixtures__/sets", import.meta.url));
const posix = process.platform !== "win32";
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

describe("inspectSet", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "opsflow-inspect-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const put = async (rel: string, text: string | Buffer = "export default 1;\n") => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };
  const set = (importModules: string[] = [], submodule = "set") => ({ submodule, version: "1", importModules });

  it("has the documented default limits", () => {
    expect(DEFAULT_SET_LIMITS).toEqual({ maxFileBytes: 20 * 1024 * 1024, maxSetBytes: 200 * 1024 * 1024, maxFiles: 5000 });
  });

  it("lists, hashes and resolves the example set", async () => {
    const out = await inspectSet(EXAMPLES, {
      submodule: "custom_plugins",
      version: "1.0.0",
      importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"],
    });
    expect(out.dir).toBe(path.join(EXAMPLES, "custom_plugins"));
    expect(out.files.map((f) => f.path)).toEqual(["collections/greet.mjs", "collections/test1.js", "lib/text.mjs"]);
    for (const f of out.files) {
      const content = readFileSync(path.join(out.dir, f.path));
      expect(f.size).toBe(content.length);
      expect(f.sha256).toBe(sha(content));
    }
    expect(out.bytes).toBe(out.files.reduce((n, f) => n + f.size, 0));
    expect(out.modules).toEqual([
      { entry: "custom_plugins.collections.test1", file: "collections/test1.js" },
      { entry: "custom_plugins/collections/greet.mjs", file: "collections/greet.mjs" },
    ]);
  });

  it("resolves a dotted path to index.mjs (fixture)", async () => {
    const out = await inspectSet(FIXTURES, set(["indexed.tools"], "indexed"));
    expect(out.modules).toEqual([{ entry: "indexed.tools", file: "tools/index.mjs" }]);
  });

  it("sorts files by path in code-unit order and accepts a relative sourceRoot", async () => {
    await put("set/b.js");
    await put("set/a/z.js");
    await put("set/B.js");
    await put("set/a.js");
    await put("set/empty.txt", "");
    const out = await inspectSet(path.relative(process.cwd(), root), set());
    expect(out.files.map((f) => f.path)).toEqual(["B.js", "a.js", "a/z.js", "b.js", "empty.txt"]);
    expect(out.files.find((f) => f.path === "empty.txt")).toEqual({ path: "empty.txt", size: 0, sha256: sha("") });
    expect(path.isAbsolute(out.dir)).toBe(true);
  });

  it("takes a fetcher's digest of a file whose size matches, and reads the file when it does not", async () => {
    await put("set/a.js", "aaaa");
    await put("set/b.js", "bbbb");
    await put("set/c.js", "cccc");
    // What the fetcher said it wrote: a.js as written (a made-up hash shows it is used unread), b.js with another
    // size (stale: read and hashed), c.js not listed (read and hashed). Keys are relative to the source root.
    const digests = new Map([
      ["set/a.js", { size: 4, sha256: "f".repeat(64) }],
      ["set/b.js", { size: 5, sha256: "e".repeat(64) }],
    ]);
    const out = await inspectSet(root, set(), {}, digests);
    expect(out.files).toEqual([
      { path: "a.js", size: 4, sha256: "f".repeat(64) },
      { path: "b.js", size: 4, sha256: sha("bbbb") },
      { path: "c.js", size: 4, sha256: sha("cccc") },
    ]);
    // Limits hold for a trusted digest too.
    const err = await sourceErrorOf(inspectSet(root, set(), { maxFileBytes: 3 }, digests));
    expect(err.code).toBe("too_large");
    expect(err.message).toBe('"a.js" is larger than 3 bytes');
  });

  it("never applies a digest to a symbolic link (the link's target is read)", async () => {
    await put("set/real.js", "real");
    await symlink("real.js", path.join(root, "set/alias.js"));
    const out = await inspectSet(root, set(), {}, new Map([["set/alias.js", { size: 4, sha256: "f".repeat(64) }]]));
    expect(out.files.find((f) => f.path === "alias.js")).toEqual({ path: "alias.js", size: 4, sha256: sha("real") });
  });

  it("skips .git (directory or gitfile) and refuses a module inside it", async () => {
    await put("set/.git/HEAD", "ref: refs/heads/main\n");
    await put("set/.git/m.js");
    await put("set/sub/.git", "gitdir: ../.git/modules/sub\n");
    await put("set/.gitignore", "node_modules\n");
    await put("set/m.js");
    const out = await inspectSet(root, set(["set.m"]));
    expect(out.files.map((f) => f.path)).toEqual([".gitignore", "m.js"]);
    const e = await sourceErrorOf(inspectSet(root, set(["set/.git/m.js"])));
    expect(e.code).toBe("module_not_found");
  });

  it("checks the submodule: missing, not a directory, unsafe name", async () => {
    await put("file");
    expect((await sourceErrorOf(inspectSet(root, set([], "nope")))).code).toBe("not_found");
    expect((await sourceErrorOf(inspectSet(root, set([], "file")))).code).toBe("not_found");
    expect((await sourceErrorOf(inspectSet(root, set([], "../x")))).code).toBe("unsafe_path");
  });

  it("fails the set on an import module that is missing or outside the submodule", async () => {
    await put("set/m.js");
    await put("other/m.js");
    const e = await sourceErrorOf(inspectSet(root, set(["set.m", "set.missing"])));
    expect(e.code).toBe("module_not_found");
    expect(e.message).toContain("set.missing");
    expect((await sourceErrorOf(inspectSet(root, set(["other.m"])))).code).toBe("unsafe_path");
  });

  describe("limits", () => {
    it("refuses a file over maxFileBytes (and accepts one exactly at it)", async () => {
      await put("set/big.bin", Buffer.alloc(100));
      await expect(inspectSet(root, set(), { maxFileBytes: 100 })).resolves.toMatchObject({ bytes: 100 });
      const e = await sourceErrorOf(inspectSet(root, set(), { maxFileBytes: 99 }));
      expect(e.code).toBe("too_large");
      expect(e.message).toContain("big.bin");
    });

    it("refuses a set over maxSetBytes", async () => {
      await put("set/a.bin", Buffer.alloc(60));
      await put("set/b.bin", Buffer.alloc(60));
      await expect(inspectSet(root, set(), { maxSetBytes: 120 })).resolves.toMatchObject({ bytes: 120 });
      expect((await sourceErrorOf(inspectSet(root, set(), { maxSetBytes: 119 }))).code).toBe("too_large");
    });

    it("refuses a set over maxFiles", async () => {
      for (const n of ["a", "b", "c"]) await put(`set/d/${n}.js`);
      await expect(inspectSet(root, set(), { maxFiles: 3 })).resolves.toMatchObject({ files: expect.any(Array) });
      const e = await sourceErrorOf(inspectSet(root, set(), { maxFiles: 2 }));
      expect(e.code).toBe("too_large");
      expect(e.message).toContain("more than 2 files");
    });

    it("bounds the number of directories by maxFiles too", async () => {
      await mkdir(path.join(root, "set/a/b/c"), { recursive: true });
      expect((await sourceErrorOf(inspectSet(root, set(), { maxFiles: 3 }))).code).toBe("too_large");
    });
  });

  describe.runIf(posix)("unsafe entries", () => {
    it("refuses a symlink to a file outside the set", async () => {
      await put("secret.txt", "s3cr3t");
      await put("set/m.js");
      await symlink(path.join(root, "secret.txt"), path.join(root, "set/leak.txt"));
      const e = await sourceErrorOf(inspectSet(root, set()));
      expect(e.code).toBe("unsafe_path");
      expect(e.message).toContain("leak.txt");
    });

    it("refuses a symlink escaping with a relative target", async () => {
      await put("set/m.js");
      await symlink("../../../../../../../../etc/hostname", path.join(root, "set/host"));
      expect((await sourceErrorOf(inspectSet(root, set()))).code).toBe("unsafe_path");
    });

    it("refuses a symlink to a directory, inside the set or out", async () => {
      await put("set/lib/a.js");
      await symlink("lib", path.join(root, "set/alias"), "dir");
      const e = await sourceErrorOf(inspectSet(root, set()));
      expect(e.code).toBe("unsafe_path");
      expect(e.message).toContain("directory");
      await rm(path.join(root, "set/alias"));
      await symlink(".", path.join(root, "set/self"), "dir");
      expect((await sourceErrorOf(inspectSet(root, set()))).code).toBe("unsafe_path");
    });

    it("refuses a dangling symlink", async () => {
      await put("set/m.js");
      await symlink("nowhere.js", path.join(root, "set/gone.js"));
      expect((await sourceErrorOf(inspectSet(root, set()))).code).toBe("unsafe_path");
    });

    it("records a symlink to a file inside the set under the link's path with the target's content", async () => {
      await put("set/real.js", "export const plugins = [];\n");
      await symlink("real.js", path.join(root, "set/alias.js"));
      const out = await inspectSet(root, set(["set.alias"]));
      expect(out.files).toEqual([
        { path: "alias.js", size: 27, sha256: sha("export const plugins = [];\n") },
        { path: "real.js", size: 27, sha256: sha("export const plugins = [];\n") },
      ]);
      expect(out.modules).toEqual([{ entry: "set.alias", file: "alias.js" }]);
    });

    it("refuses a submodule that is a symlink leaving the source root", async () => {
      const outside = await mkdtemp(path.join(os.tmpdir(), "opsflow-outside-"));
      try {
        await symlink(outside, path.join(root, "set"), "dir");
        expect((await sourceErrorOf(inspectSet(root, set()))).code).toBe("unsafe_path");
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    });

    it("refuses special files (a unix socket)", async () => {
      await put("set/m.js");
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(path.join(root, "set/sock"), resolve));
      try {
        const e = await sourceErrorOf(inspectSet(root, set()));
        expect(e.code).toBe("unsafe_path");
        expect(e.message).toContain("special file");
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("refuses a name with a backslash", async () => {
      await put("set/a\\b.js");
      const e = await sourceErrorOf(inspectSet(root, set()));
      expect(e.code).toBe("unsafe_path");
    });
  });
});
