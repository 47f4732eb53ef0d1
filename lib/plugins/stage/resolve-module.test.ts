import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PluginSourceError } from "../types";
import { moduleCandidates, resolveModule } from "./resolve-module";
import { sourceErrorOf } from "../__fixtures__/source-error";

const EXAMPLES = fileURLToPath(new URL("../../../examples/plugins", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../__fixtures__/sets", import.meta.url));
const links = process.platform !== "win32";

describe("moduleCandidates", () => {
  it("expands a dotted path in the documented order and keeps a file path as is", () => {
    expect(moduleCandidates("a.b.c")).toEqual(["a/b/c.js", "a/b/c.mjs", "a/b/c/index.js", "a/b/c/index.mjs"]);
    expect(moduleCandidates("a/b/c.mjs")).toEqual(["a/b/c.mjs"]);
    expect(moduleCandidates("a/b/c.js")).toEqual(["a/b/c.js"]);
  });
  it("refuses paths that could leave the source root", () => {
    for (const bad of ["../a.js", "/etc/a.js", "a/../../b.js", "a\\b.js", "a/./b.js", "a..b", "a/b", "a\0b"]) {
      expect(() => moduleCandidates(bad), bad).toThrow(expect.objectContaining({ code: "unsafe_path" }));
    }
  });
  it("refuses an entry that is neither form", () => {
    expect(() => moduleCandidates("a.b c")).toThrow(expect.objectContaining({ code: "module_not_found" }));
    expect(() => moduleCandidates("")).toThrow(PluginSourceError);
  });
});

describe("resolveModule", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "opsflow-resolve-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const touch = async (rel: string, text = "export default 1;\n") => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };

  it("resolves the example set's modules (dotted → .js, relative .mjs as is)", async () => {
    await expect(resolveModule(EXAMPLES, "custom_plugins", "custom_plugins.collections.test1")).resolves.toBe(
      "custom_plugins/collections/test1.js",
    );
    await expect(resolveModule(EXAMPLES, "custom_plugins", "custom_plugins/collections/greet.mjs")).resolves.toBe(
      "custom_plugins/collections/greet.mjs",
    );
  });

  it("resolves dotted paths to .mjs and to index.mjs in the fixtures", async () => {
    await expect(resolveModule(FIXTURES, "good", "good.collections.single")).resolves.toBe("good/collections/single.mjs");
    await expect(resolveModule(FIXTURES, "indexed", "indexed.tools")).resolves.toBe("indexed/tools/index.mjs");
  });

  it("tries .js, .mjs, index.js, index.mjs in that order", async () => {
    await touch("set/m.js");
    await touch("set/m.mjs");
    await touch("set/m/index.js");
    await touch("set/m/index.mjs");
    await expect(resolveModule(root, "set", "set.m")).resolves.toBe("set/m.js");
    await rm(path.join(root, "set/m.js"));
    await expect(resolveModule(root, "set", "set.m")).resolves.toBe("set/m.mjs");
    await rm(path.join(root, "set/m.mjs"));
    await expect(resolveModule(root, "set", "set.m")).resolves.toBe("set/m/index.js");
    await rm(path.join(root, "set/m/index.js"));
    await expect(resolveModule(root, "set", "set.m")).resolves.toBe("set/m/index.mjs");
  });

  it("skips a candidate that is a directory", async () => {
    await mkdir(path.join(root, "set/m.js"), { recursive: true });
    await touch("set/m.mjs");
    await expect(resolveModule(root, "set", "set.m")).resolves.toBe("set/m.mjs");
  });

  it("names the entry and every candidate when nothing is found", async () => {
    await mkdir(path.join(root, "set"));
    const e = await sourceErrorOf(resolveModule(root, "set", "set.x.y"));
    expect(e.code).toBe("module_not_found");
    expect(e.message).toContain('"set.x.y"');
    expect(e.message).toContain("set/x/y.js, set/x/y.mjs, set/x/y/index.js, set/x/y/index.mjs");
    const f = await sourceErrorOf(resolveModule(root, "set", "set/x.mjs"));
    expect(f.code).toBe("module_not_found");
    expect(f.message).toContain("set/x.mjs");
  });

  it("refuses a module written outside the submodule", async () => {
    await touch("other/m.js");
    await touch("set/m.js");
    expect((await sourceErrorOf(resolveModule(root, "set", "other.m"))).code).toBe("unsafe_path");
    expect((await sourceErrorOf(resolveModule(root, "set", "other/m.js"))).code).toBe("unsafe_path");
    expect((await sourceErrorOf(resolveModule(root, "set", "set/../other/m.js"))).code).toBe("unsafe_path");
    expect((await sourceErrorOf(resolveModule(root, "se", "set.m"))).code).toBe("unsafe_path"); // prefix, not a parent
  });

  it("checks the submodule: missing, a file, unsafe", async () => {
    await touch("file");
    expect((await sourceErrorOf(resolveModule(root, "nope", "nope.m"))).code).toBe("not_found");
    expect((await sourceErrorOf(resolveModule(root, "file", "file.m"))).code).toBe("not_found");
    expect((await sourceErrorOf(resolveModule(root, "../x", "../x/m.js"))).code).toBe("unsafe_path");
    expect((await sourceErrorOf(resolveModule(path.join(root, "missing-root"), "set", "set.m"))).code).toBe("not_found");
  });

  describe.runIf(links)("symlinks", () => {
    it("refuses a module file that links outside the submodule", async () => {
      await touch("outside.js");
      await mkdir(path.join(root, "set"));
      await symlink(path.join(root, "outside.js"), path.join(root, "set/m.js"));
      const e = await sourceErrorOf(resolveModule(root, "set", "set.m"));
      expect(e.code).toBe("unsafe_path");
      expect(e.message).toContain("set/m.js");
    });

    it("refuses a module below a directory link that leaves the submodule", async () => {
      await touch("elsewhere/m.mjs");
      await mkdir(path.join(root, "set"));
      await symlink(path.join(root, "elsewhere"), path.join(root, "set/lib"), "dir");
      expect((await sourceErrorOf(resolveModule(root, "set", "set/lib/m.mjs"))).code).toBe("unsafe_path");
    });

    it("refuses a submodule that links outside the source root", async () => {
      const outside = await mkdtemp(path.join(os.tmpdir(), "opsflow-outside-"));
      try {
        await writeFile(path.join(outside, "m.js"), "export default 1;\n");
        await symlink(outside, path.join(root, "set"), "dir");
        expect((await sourceErrorOf(resolveModule(root, "set", "set.m"))).code).toBe("unsafe_path");
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    });

    it("accepts a link to a file inside the submodule and returns the path as written", async () => {
      await touch("set/real.mjs");
      await symlink("real.mjs", path.join(root, "set/alias.mjs"));
      await expect(resolveModule(root, "set", "set.alias")).resolves.toBe("set/alias.mjs");
    });

    it("treats a dangling link as not found", async () => {
      await mkdir(path.join(root, "set"));
      await symlink("missing.js", path.join(root, "set/m.js"));
      expect((await sourceErrorOf(resolveModule(root, "set", "set.m"))).code).toBe("module_not_found");
    });
  });
});
