import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { inspectSet } from "../stage/inspect-set";
import { describeHostFile, describeSet, type DescribeResult } from "./describe-set";

const EXAMPLES = fileURLToPath(new URL("../../../examples/plugins", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../__fixtures__/sets", import.meta.url));
const dirOf = (set: string) => path.join(FIXTURES, set);
const mods = (...files: string[]) => files.map((file) => ({ entry: `m:${file}`, file }));
const errorOf = (r: DescribeResult, file: string) => r.errors.filter((e) => e.module === `m:${file}`).map((e) => e.error);

describe("describeSet", () => {
  it("describes the example set to cus_test_1, cus_sum and cus_greet", async () => {
    const set = await inspectSet(EXAMPLES, {
      submodule: "custom_plugins",
      version: "1.0.0",
      importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"],
    });
    const r = await describeSet(set.dir, set.modules);
    expect(r.errors).toEqual([]);
    expect(r.descriptors.map((d) => [d.code, d.version, d.module])).toEqual([
      ["cus_test_1", "1.0.0", "custom_plugins.collections.test1"],
      ["cus_sum", "1.0.0", "custom_plugins.collections.test1"],
      ["cus_greet", "1.0.0", "custom_plugins/collections/greet.mjs"],
    ]);
    expect(r.descriptors[0]).toMatchObject({
      name: "Test 1",
      group: { code: "CUS", name: { en: "Custom", "zh-CN": "自定义" } },
    });
    expect(r.descriptors[0].inputs[0]).toEqual({ key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true });
    expect(r.descriptors[0].inputs.map((i) => i.type)).toEqual(["text", "textarea", "number", "boolean", "select", "json", "secret"]);
    expect(r.descriptors[2].inputs[1]).toEqual({ key: "excited", label: "Excited", type: "boolean", required: false });
    // Descriptors are plain data: no execute, JSON round-trips.
    for (const d of r.descriptors) {
      expect(d).not.toHaveProperty("execute");
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
  });

  it("describes a plugins array, a default export, a default array and a relative import", async () => {
    const r = await describeSet(dirOf("good"), mods("collections/array.js", "collections/single.mjs", "collections/list.mjs"));
    expect(r.errors).toEqual([]);
    expect(r.descriptors.map((d) => `${d.module} ${d.code}@${d.version}`)).toEqual([
      "m:collections/array.js fix_echo@1.0.0",
      "m:collections/array.js fix_echo@2.0.0",
      "m:collections/single.mjs fix_shout@1.0.0",
      "m:collections/list.mjs fix_add@1.0.0",
      "m:collections/list.mjs fix_sub@1.0.0",
    ]);
    expect(r.descriptors[2].name).toEqual({ en: "Shout", "zh-CN": "喊" }); // from ../lib/labels.mjs
    expect(r.descriptors[3]).toMatchObject({ inputs: [], outputs: [] }); // contract defaults
  });

  it("describes an index.mjs module found from a dotted path", async () => {
    const set = await inspectSet(FIXTURES, { submodule: "indexed", version: "1", importModules: ["indexed.tools"] });
    const r = await describeSet(set.dir, set.modules);
    expect(r).toMatchObject({ errors: [], descriptors: [{ code: "fix_tool", module: "indexed.tools" }] });
  });

  it("reports each broken module precisely and still describes the others", async () => {
    const r = await describeSet(
      dirOf("broken"),
      mods(
        "syntax.mjs",
        "throws.mjs",
        "nothing.mjs",
        "not-array.mjs",
        "empty.mjs",
        "bad-contract.mjs",
        "missing-import.mjs",
        "async-throw.mjs",
        "ok.mjs",
        "no-such-file.mjs",
      ),
    );
    expect(errorOf(r, "syntax.mjs")).toEqual([expect.stringMatching(/^SyntaxError: Unexpected token/)]);
    expect(errorOf(r, "throws.mjs")).toEqual(["Error: boom at load"]);
    expect(errorOf(r, "nothing.mjs")).toEqual(["the module exports neither `plugins` nor a default export"]);
    expect(errorOf(r, "not-array.mjs")).toEqual(["`plugins` must be an array"]);
    expect(errorOf(r, "empty.mjs")).toEqual(["the module exports no plugins"]);
    expect(errorOf(r, "bad-contract.mjs")).toEqual([
      expect.stringMatching(/^plugins\[0\]\.code: /),
      expect.stringMatching(/^plugins\[1\]\.inputs\.0\.type: /),
      'plugins[2].inputs.1.key: duplicate key "x"',
      "plugins[3].execute: must be a function",
    ]);
    const missing = errorOf(r, "missing-import.mjs");
    expect(missing).toEqual([expect.stringMatching(/^module_not_found: .*nope\.mjs/)]);
    expect(missing[0]).not.toContain(FIXTURES); // paths inside the set are shown relative to it
    expect(errorOf(r, "no-such-file.mjs")).toEqual([expect.stringMatching(/^module_not_found: /)]);
    expect(errorOf(r, "async-throw.mjs")).toEqual([]);
    expect(r.descriptors.map((d) => d.code)).toEqual(["fix_fine", "fix_async", "fix_ok"]);
    expect(r.output).toContain("thrown later");
  });

  it("bounds what it copies out of a module and keeps odd values from reaching the manifest", async () => {
    const r = await describeSet(dirOf("broken"), mods("huge.mjs", "odd-values.mjs", "getter.mjs"));
    expect(errorOf(r, "huge.mjs")).toEqual(["the exported plugins are too large to describe"]);
    expect(errorOf(r, "odd-values.mjs")).toEqual([
      expect.stringMatching(/^plugins\[1\]: not JSON-serialisable/),
      expect.stringMatching(/^plugins\[2\]\.code: /),
    ]);
    expect(errorOf(r, "getter.mjs")).toEqual(["TypeError: no description for you"]);
    expect(r.descriptors).toHaveLength(1);
    expect(r.descriptors[0]).toMatchObject({ code: "fix_circular", inputs: [{ default: { a: 1, self: "[Circular]" } }] });
  });

  it("labels default-export errors by position", async () => {
    const r = await describeSet(dirOf("good"), mods("collections/list.mjs", "collections/list.mjs"));
    // the same module twice: the second copy's plugins are duplicates of the first's
    expect(r.descriptors).toHaveLength(2);
    expect(r.errors).toEqual([
      { module: "m:collections/list.mjs", error: 'default[0]: duplicate plugin fix_add version 1.0.0 (already exported by "m:collections/list.mjs")' },
      { module: "m:collections/list.mjs", error: 'default[1]: duplicate plugin fix_sub version 1.0.0 (already exported by "m:collections/list.mjs")' },
    ]);
  });

  it("reports a duplicate code+version within the set and keeps the first", async () => {
    const r = await describeSet(dirOf("broken"), mods("dup-a.mjs", "dup-b.mjs"));
    expect(r.descriptors).toMatchObject([{ code: "fix_dup", name: "Dup A", module: "m:dup-a.mjs" }]);
    expect(r.errors).toEqual([
      { module: "m:dup-b.mjs", error: 'default: duplicate plugin fix_dup version 1.0.0 (already exported by "m:dup-a.mjs")' },
    ]);
  });

  describe("isolation", () => {
    afterEach(() => {
      delete process.env.OPSFLOW_TEST_SECRET;
    });

    it("gives plugin code an empty environment and never runs it in this process", async () => {
      process.env.OPSFLOW_TEST_SECRET = "s3cr3t-value";
      const r = await describeSet(dirOf("broken"), mods("env.mjs"));
      expect(r.errors).toEqual([]);
      expect(r.descriptors[0].description).toBe("secret=undefined keys=0");
      expect(JSON.stringify(r)).not.toContain("s3cr3t-value");
      expect((globalThis as Record<string, unknown>).__opsflowLoaded).toBeUndefined();
    });

    it("refuses module files that are not relative paths inside the set, without loading them", async () => {
      const r = await describeSet(dirOf("good"), [
        { entry: "a", file: "../broken/throws.mjs" },
        { entry: "b", file: "/etc/passwd" },
        { entry: "c", file: "collections/single.mjs" },
      ]);
      expect(r.errors.map((e) => [e.module, e.error.split(":")[0]])).toEqual([
        ["a", "unsafe_path"],
        ["b", "unsafe_path"],
      ]);
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_shout"]);
    });

    it("returns nothing for no modules", async () => {
      await expect(describeSet(dirOf("good"), [])).resolves.toEqual({ descriptors: [], errors: [], output: "" });
    });

    it("captures and limits the plugins' console output", async () => {
      const r = await describeSet(dirOf("hostile"), mods("console.mjs"));
      expect(r.errors).toEqual([]);
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_noisy"]);
      expect(r.output.startsWith("noise 0\n")).toBe(true);
      expect(r.output.length).toBe(16 * 1024);
    });

    it("locates the describe host script in lib/plugins/host", () => {
      const file = describeHostFile();
      expect(file).toBe(fileURLToPath(new URL("../host/describe-host.mjs", import.meta.url)));
      expect(existsSync(file)).toBe(true);
    });
  });

  describe("hostile modules (the server keeps working)", () => {
    const ticking = () => {
      let ticks = 0;
      const t = setInterval(() => ticks++, 20);
      return () => {
        clearInterval(t);
        return ticks;
      };
    };

    it("times out an endless loop; every module not described yet gets the timeout", async () => {
      const stop = ticking();
      const started = Date.now();
      // The budget covers starting the host, so it is generous for a loaded machine.
      const r = await describeSet(dirOf("hostile"), mods("ok.mjs", "loop.mjs", "console.mjs"), { timeoutMs: 4000 });
      const elapsed = Date.now() - started;
      expect(stop()).toBeGreaterThan(20); // timers kept firing during the loop
      expect(elapsed).toBeGreaterThanOrEqual(3900);
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_ok"]);
      expect(r.errors).toEqual([
        { module: "m:loop.mjs", error: "timed out after 4000 ms" },
        { module: "m:console.mjs", error: "timed out after 4000 ms" },
      ]);
      const again = await describeSet(dirOf("hostile"), mods("ok.mjs"));
      expect(again).toMatchObject({ errors: [], descriptors: [{ code: "fix_ok" }] });
    });

    it("stops a heap hog at the memory limit", async () => {
      const stop = ticking();
      const r = await describeSet(dirOf("hostile"), mods("ok.mjs", "hog.mjs", "console.mjs"), { maxHeapMb: 32, timeoutMs: 10_000 });
      stop();
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_ok"]);
      expect(r.errors).toEqual([
        { module: "m:hog.mjs", error: "exceeded the memory limit (32 MB)" },
        { module: "m:console.mjs", error: "exceeded the memory limit (32 MB)" },
      ]);
      const again = await describeSet(dirOf("hostile"), mods("ok.mjs"));
      expect(again).toMatchObject({ errors: [], descriptors: [{ code: "fix_ok" }] });
    });

    it("fails only the module that calls process.exit(); the next one still loads", async () => {
      const r = await describeSet(dirOf("hostile"), mods("ok.mjs", "exit.mjs", "console.mjs"));
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_ok", "fix_noisy"]);
      expect(r.errors).toEqual([{ module: "m:exit.mjs", error: "process.exit() called while loading" }]);
      const again = await describeSet(dirOf("hostile"), mods("ok.mjs"));
      expect(again).toMatchObject({ errors: [], descriptors: [{ code: "fix_ok" }] });
    });

    it("reports a host that crashes while loading; the modules after it are not loaded", async () => {
      const r = await describeSet(dirOf("hostile"), mods("ok.mjs", "crash.mjs", "console.mjs"));
      expect(r.descriptors.map((d) => d.code)).toEqual(["fix_ok"]);
      expect(r.errors).toEqual([
        { module: "m:crash.mjs", error: "the describe host failed: Error: crashed the worker" },
        {
          module: "m:console.mjs",
          error: 'not loaded: "m:crash.mjs" ended the describe host (the describe host failed: Error: crashed the worker)',
        },
      ]);
    });

    it("reports a top-level await that never settles", async () => {
      const r = await describeSet(dirOf("hostile"), mods("tla.mjs"), { timeoutMs: 5000 });
      expect(r.errors).toEqual([{ module: "m:tla.mjs", error: "top-level await never settled" }]);
    });
  });
});
