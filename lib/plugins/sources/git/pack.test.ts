import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDelta, PackFormatError, PackReader, parseTree } from "./pack";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "buffer",
    maxBuffer: 64 << 20,
  });

/** Every object of the repo: oid → { type, bytes } as C git reads them. */
function objectsOf(repo: string) {
  const lines = git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)").toString().trim().split("\n");
  return lines.map((l) => {
    const [oid, type] = l.split(" ");
    return { oid, type, bytes: git(repo, "cat-file", type, oid) };
  });
}

let root: string;
let repo: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-git-pack-"));
  repo = path.join(root, "repo");
  fs.mkdirSync(repo);
  git(repo, "init", "-q");
  // Similar files across two commits, so that `git repack` stores most blobs (and trees) as deltas, in chains.
  const body = (i: number, rev: number) =>
    [`// file ${i}, revision ${rev}`, ...Array.from({ length: 80 }, (_, line) => `export const value_${line} = ${line === i ? rev * 1000 + i : line}; // ${"x".repeat(line % 13)}`)].join("\n");
  for (let rev = 1; rev <= 2; rev++) {
    for (let i = 0; i < 30; i++) {
      fs.mkdirSync(path.join(repo, `set${i % 5}`), { recursive: true });
      fs.writeFileSync(path.join(repo, `set${i % 5}`, `file${i}.js`), body(i, rev));
    }
    // 200 KB of noise that differs in one byte between revisions: a delta of copies of 64 KiB (size field 0).
    const big = Buffer.from(Array.from({ length: 200_000 }, (_, k) => (k * 2654435761) >>> 24));
    big[100] = rev;
    fs.writeFileSync(path.join(repo, "big.bin"), big);
    if (rev === 1) {
      fs.writeFileSync(path.join(repo, "tool.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
      fs.symlinkSync("set0/file0.js", path.join(repo, "link.js"));
    }
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", `rev ${rev}`);
  }
  git(repo, "repack", "-adfq", "--depth=50", "--window=250");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("PackReader", () => {
  it("reads every object of a deltified pack exactly as C git does", () => {
    const verify = git(repo, "verify-pack", "-v", ...fs.readdirSync(path.join(repo, ".git/objects/pack")).filter((n) => n.endsWith(".idx")).map((n) => path.join(".git/objects/pack", n))).toString();
    const deltas = verify.split("\n").filter((l) => /^[0-9a-f]{40} \w+ +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/.test(l));
    expect(deltas.length).toBeGreaterThan(20); // the fixture really has deltas (and chains: depth > 1 below)
    expect(verify).toMatch(/chain length = [2-9]/);

    const reader = PackReader.open(path.join(repo, ".git"), 10 << 20);
    const objects = objectsOf(repo);
    expect(reader.size).toBe(objects.length);
    for (const o of objects) {
      const got = reader.read(o.oid);
      expect(got?.type, o.oid).toBe(o.type);
      expect(Buffer.compare(got!.data, o.bytes), `${o.type} ${o.oid}`).toBe(0);
    }
  });

  it("reads objects in any order, and twice", () => {
    const reader = PackReader.open(path.join(repo, ".git"), 10 << 20);
    const objects = objectsOf(repo).reverse();
    for (const o of [...objects, ...objects]) expect(reader.read(o.oid)?.data.equals(o.bytes)).toBe(true);
  });

  it("gives null for an object that is not packed, and an empty reader without packs", () => {
    const reader = PackReader.open(path.join(repo, ".git"), 10 << 20);
    expect(reader.read("0".repeat(40))).toBeNull();
    const empty = PackReader.open(path.join(root, "nowhere"), 10 << 20);
    expect(empty.size).toBe(0);
    expect(empty.read("0".repeat(40))).toBeNull();
  });

  it("refuses an object over the size limit", () => {
    const reader = PackReader.open(path.join(repo, ".git"), 100_000);
    const big = objectsOf(repo).find((o) => o.type === "blob" && o.bytes.length === 200_000 && o.bytes[100] === 1)!;
    expect(() => reader.read(big.oid)).toThrow(PackFormatError);
    expect(() => reader.read(big.oid)).toThrow(/exceeds the limit/);
  });

  it("a corrupt pack is an error, never wrong bytes", () => {
    const copy = path.join(root, "corrupt");
    fs.cpSync(path.join(repo, ".git"), copy, { recursive: true });
    const packDir = path.join(copy, "objects/pack");
    const packFile = path.join(packDir, fs.readdirSync(packDir).find((n) => n.endsWith(".pack"))!);
    const bytes = fs.readFileSync(packFile);
    // Flip bytes in the middle of the pack: some object's zlib stream or delta no longer checks out.
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i] ^= 0x5a;
    fs.writeFileSync(packFile, bytes);
    const reader = PackReader.open(copy, 10 << 20);
    const errors = objectsOf(repo).map((o) => {
      try {
        const got = reader.read(o.oid);
        expect(got?.data.equals(o.bytes)).toBe(true); // whatever is returned is right
        return null;
      } catch (e) {
        return e;
      }
    });
    const thrown = errors.filter((e) => e !== null);
    expect(thrown.length).toBeGreaterThan(0);
    for (const e of thrown) expect(e).toBeInstanceOf(PackFormatError);
  });

  it("refuses what is not a v2 index or a pack", () => {
    const copy = path.join(root, "not-a-pack");
    fs.mkdirSync(path.join(copy, "objects/pack"), { recursive: true });
    fs.writeFileSync(path.join(copy, "objects/pack/pack-x.pack"), "PACK but not really");
    fs.writeFileSync(path.join(copy, "objects/pack/pack-x.idx"), Buffer.alloc(2000));
    expect(() => PackReader.open(copy, 1 << 20)).toThrow(/not a packfile|version-2/);
  });
});

describe("parseTree", () => {
  it("gives every tree's entries as git ls-tree lists them (modes as isomorphic-git normalises them)", () => {
    const reader = PackReader.open(path.join(repo, ".git"), 10 << 20);
    const trees = objectsOf(repo).filter((o) => o.type === "tree");
    expect(trees.length).toBeGreaterThan(5);
    for (const t of trees) {
      const listed = git(repo, "ls-tree", t.oid).toString().trim().split("\n").map((line) => {
        const [meta, name] = line.split("\t");
        const [mode, , oid] = meta.split(" ");
        return { mode: mode === "040000" ? "040000" : mode, path: name, oid };
      });
      expect(parseTree(reader.read(t.oid)!.data)).toEqual(listed);
    }
  });

  it("normalises modes and refuses a truncated entry", () => {
    const oid = Buffer.alloc(20, 0xab);
    const entry = (mode: string, name: string) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), oid]);
    expect(parseTree(Buffer.concat([entry("40000", "d"), entry("100664", "f"), entry("120000", "l")])).map((e) => e.mode)).toEqual(["040000", "100644", "120000"]);
    expect(() => parseTree(entry("100644", "f").subarray(0, 15))).toThrow(PackFormatError);
    expect(() => parseTree(Buffer.from("100644 no-nul"))).toThrow(/malformed tree entry at byte 0/);
  });
});

describe("applyDelta", () => {
  const base = Buffer.from("hello, world");
  // source size 12, target size 11: copy "hello" (offset 0, size 5), insert "!!", copy "world" (offset 7, size 5) - 1
  const delta = (...ops: number[]) => Buffer.from([12, 12, ...ops]);

  it("copies and inserts", () => {
    const d = delta(0x90, 5, 2, 0x21, 0x21, 0x91, 7, 5);
    expect(applyDelta(d, base, 100).toString()).toBe("hello!!world");
  });

  it("refuses a wrong base size, a copy outside the base, a short result, opcode 0 and a too-large target", () => {
    expect(() => applyDelta(Buffer.from([11, 1, 1, 0x41]), base, 100)).toThrow(/12-byte base|11-byte base/);
    expect(() => applyDelta(delta(0x91, 10, 5), base, 100)).toThrow(/outside/);
    expect(() => applyDelta(delta(0x90, 5), base, 100)).toThrow(/produced 5 bytes, expected 12/);
    expect(() => applyDelta(delta(0), base, 100)).toThrow(/reserved/);
    expect(() => applyDelta(delta(0x90, 12), base, 11)).toThrow(/exceeds the limit/);
  });
});
