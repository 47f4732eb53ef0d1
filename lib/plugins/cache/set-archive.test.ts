import { createHash } from "node:crypto";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { rawTar } from "../__fixtures__/set-archives";
import { packSet, readSetArchive, InvalidArchiveError } from "./set-archive";

const files = [
  { path: "b/z.js", body: Buffer.from("export const z = 1;\n") },
  { path: "a.mjs", body: Buffer.from("export default [];\n") },
  { path: `deep/${"n".repeat(120)}.js`, body: Buffer.from("// a name longer than ustar's 100 bytes\n") },
  { path: "empty.txt", body: Buffer.alloc(0) },
  { path: "插件/模块.mjs", body: Buffer.from("// a name that is not ASCII\n") },
];
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function entriesOf(archive: Buffer) {
  const out: { name: string; type: string; body: string }[] = [];
  await readSetArchive(archive, (e) => void out.push({ name: e.name, type: e.type, body: e.body.toString() }));
  return out;
}

describe("set archives", () => {
  it("are deterministic: the same files in any order give the same bytes", async () => {
    const a = await packSet(files);
    const b = await packSet([...files].reverse());
    expect(sha(a)).toBe(sha(b));
    expect(sha(await packSet(files.slice(1)))).not.toBe(sha(a));
    // Nothing from the clock or the machine in the headers: fixed mtime, mode and owner.
    const extract = tar.extract();
    extract.end(a);
    for await (const entry of extract) {
      expect(entry.header).toMatchObject({ mtime: new Date(0), mode: 0o644, uid: 0, gid: 0, uname: "", gname: "" });
      entry.resume();
    }
  });

  it("round-trip every file, sorted by path, as regular files only", async () => {
    const out = await entriesOf(await packSet(files));
    expect(out.map((e) => e.name)).toEqual([...files.map((f) => f.path)].sort());
    expect(out.every((e) => e.type === "file")).toBe(true);
    for (const f of files) expect(out.find((e) => e.name === f.path)!.body).toBe(f.body.toString());
  });

  it("a truncated or garbage archive is an InvalidArchiveError; the callback's own errors pass through", async () => {
    const good = await packSet(files);
    await expect(readSetArchive(good.subarray(0, 700), () => undefined)).rejects.toBeInstanceOf(InvalidArchiveError);
    await expect(readSetArchive(Buffer.from("not a tar archive at all".repeat(40)), () => undefined)).rejects.toBeInstanceOf(InvalidArchiveError);
    // Cut right after the last entry (no end blocks): every entry is still read before it resolves.
    const names: string[] = [];
    await readSetArchive(good.subarray(0, good.length - 1024), (e) => void names.push(e.name));
    expect(names).toEqual([...files.map((f) => f.path)].sort());
    const mine = new Error("mine");
    await expect(readSetArchive(good, () => { throw mine; })).rejects.toBe(mine);
  });

  it("reports other entry types as they are (the caller refuses them)", async () => {
    expect((await entriesOf(await rawTar([{ name: "link", type: "symlink", linkname: "/etc/passwd" }, { name: "x.js", body: "x" }]))).map((e) => [e.name, e.type])).toEqual([["link", "symlink"], ["x.js", "file"]]);
  });
});
