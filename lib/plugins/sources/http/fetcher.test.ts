import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchKit, listFiles } from "../../__fixtures__/fetch-kit";
import { codeOf, sourceErrorOf } from "../../__fixtures__/source-error";
import type { FetchLimits, SettingsByKind } from "../../types";
import { crafted, startArchiveServer, tarGz, zip, type ArchiveServer } from "./__fixtures__/archive-server";
import { httpFetcher } from "./fetcher";

const LIMITS: FetchLimits = { connectTimeoutMs: 5_000, totalTimeoutMs: 20_000, maxBytes: 1024 * 1024, maxFiles: 50 };
const { newCtx } = fetchKit("opsflow-http-", LIMITS);
const PLUGIN = "export const plugins = [];\n";
const PACKAGE = { "custom_plugins/collections/a.mjs": PLUGIN, "custom_plugins/lib/b.mjs": "export const b = 1;\n" };

let server: ArchiveServer;
beforeAll(async () => {
  server = await startArchiveServer();
});
afterAll(() => server.close());

type Settings = SettingsByKind["http"];
const settings = (path: string, over: Partial<Settings> = {}): Settings => ({ url: `${server.url}${path}`, auth: "none", username: "", sha256: "", strip: "0", ...over });
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("httpFetcher: archives", () => {
  it("extracts a .tar.gz made by tar, with each file's digest, and records the ETag as the revision", async () => {
    const body = tarGz(PACKAGE);
    server.offer("/p.tar.gz", { body });
    const ctx = newCtx();
    const r = await httpFetcher.fetch(settings("/p.tar.gz"), {}, ctx);
    expect(listFiles(ctx.dir)).toEqual(PACKAGE);
    expect(r).toMatchObject({ files: 2, bytes: PLUGIN.length + "export const b = 1;\n".length, revision: expect.stringMatching(/^etag:"[0-9a-f]{16}"$/) });
    expect(r.digests?.get("custom_plugins/collections/a.mjs")).toEqual({ size: PLUGIN.length, sha256: sha256(Buffer.from(PLUGIN)) });
  });

  it("extracts a .zip made by zip, told apart by its first bytes whatever the URL says", async () => {
    server.offer("/download", { body: zip(PACKAGE) });
    const ctx = newCtx();
    await httpFetcher.fetch(settings("/download"), {}, ctx);
    expect(listFiles(ctx.dir)).toEqual(PACKAGE);
  });

  it("drops leading folders (strip) and skips what lies above them", async () => {
    server.offer("/gh.tar.gz", { body: tarGz({ "repo-0123abc/custom_plugins/collections/a.mjs": PLUGIN, "repo-0123abc/README.md": "hi" }) });
    const ctx = newCtx();
    await httpFetcher.fetch(settings("/gh.tar.gz", { strip: "1" }), {}, ctx);
    expect(listFiles(ctx.dir)).toEqual({ "custom_plugins/collections/a.mjs": PLUGIN, "README.md": "hi" });
  });

  it("refuses what is neither archive", async () => {
    server.offer("/page", { body: Buffer.from("<html>not an archive</html>") });
    expect(await sourceErrorOf(httpFetcher.fetch(settings("/page"), {}, newCtx()))).toMatchObject({ code: "config", message: "the download is neither a .tar.gz nor a .zip archive" });
  });
});

describe("httpFetcher: revisions, 304 and pinned digests", () => {
  it("a resync asks with If-None-Match and gets a 304 without a body; a new archive is a new revision", async () => {
    server.offer("/r.tar.gz", { body: tarGz(PACKAGE) });
    const first = await httpFetcher.fetch(settings("/r.tar.gz"), {}, newCtx());
    const before = server.requests.length;
    const again = await httpFetcher.revision(settings("/r.tar.gz"), {}, { ...newCtx(), previous: first.revision });
    expect(again).toBe(first.revision);
    expect(server.requests.slice(before)).toEqual([expect.objectContaining({ path: "/r.tar.gz", ifNoneMatch: first.revision.slice(5), status: 304 })]);
    server.offer("/r.tar.gz", { body: tarGz({ ...PACKAGE, "custom_plugins/new.mjs": PLUGIN }) });
    expect(await httpFetcher.revision(settings("/r.tar.gz"), {}, { ...newCtx(), previous: first.revision })).not.toBe(first.revision);
  });

  it("without an ETag, Last-Modified is the validator (If-Modified-Since)", async () => {
    const lastModified = "Tue, 01 Dec 2026 08:00:00 GMT";
    server.offer("/lm.tar.gz", { body: tarGz(PACKAGE), etag: null, lastModified });
    const first = await httpFetcher.fetch(settings("/lm.tar.gz"), {}, newCtx());
    expect(first.revision).toBe(`last-modified:${lastModified}`);
    expect(await httpFetcher.revision(settings("/lm.tar.gz"), {}, { ...newCtx(), previous: first.revision })).toBe(first.revision);
    expect(server.requests.at(-1)).toMatchObject({ ifModifiedSince: lastModified, status: 304 });
  });

  it("with a pinned sha256 the revision is the pin (no request); a download that does not match fails the source", async () => {
    const body = tarGz(PACKAGE);
    server.offer("/pinned.tar.gz", { body });
    const pin = sha256(body);
    const before = server.requests.length;
    expect(await httpFetcher.revision(settings("/pinned.tar.gz", { sha256: pin }), {}, newCtx())).toBe(`sha256:${pin}`);
    expect(server.requests.length).toBe(before);
    expect((await httpFetcher.fetch(settings("/pinned.tar.gz", { sha256: pin }), {}, newCtx())).revision).toBe(`sha256:${pin}`);
    const wrong = "0".repeat(64);
    expect(await sourceErrorOf(httpFetcher.fetch(settings("/pinned.tar.gz", { sha256: wrong }), {}, newCtx()))).toMatchObject({
      code: "integrity",
      message: `the archive's sha256 is ${pin}, not the pinned ${wrong}`,
    });
  });
});

describe("httpFetcher: credentials and transport", () => {
  it("sends a bearer token or basic credentials, and says so when they are refused", async () => {
    server.offer("/private.tar.gz", { body: tarGz(PACKAGE), authorization: "Bearer s3cr3t-token" });
    expect(await codeOf(httpFetcher.fetch(settings("/private.tar.gz", { auth: "bearer" }), { token: "wrong" }, newCtx()))).toBe("auth");
    await httpFetcher.fetch(settings("/private.tar.gz", { auth: "bearer" }), { token: "s3cr3t-token" }, newCtx());
    server.offer("/basic.tar.gz", { body: tarGz(PACKAGE), authorization: `Basic ${Buffer.from("deploy:pw").toString("base64")}` });
    await httpFetcher.fetch(settings("/basic.tar.gz", { auth: "basic", username: "deploy" }), { password: "pw" }, newCtx());
    const refused = await sourceErrorOf(httpFetcher.fetch(settings("/basic.tar.gz", { auth: "basic", username: "deploy" }), { password: "nope" }, newCtx()));
    expect(refused.message).not.toContain("nope");
  });

  it("follows a redirect, sending credentials only to the configured origin", async () => {
    const other = await startArchiveServer({ host: "127.0.0.2" });
    try {
      other.offer("/moved.tar.gz", { body: tarGz(PACKAGE) });
      server.offer("/old.tar.gz", { body: Buffer.alloc(0), redirect: `${other.url}/moved.tar.gz`, authorization: "Bearer t0ken" });
      const ctx = newCtx();
      await httpFetcher.fetch(settings("/old.tar.gz", { auth: "bearer" }), { token: "t0ken" }, ctx);
      expect(listFiles(ctx.dir)).toEqual(PACKAGE);
      expect(other.requests).toEqual([expect.objectContaining({ path: "/moved.tar.gz", authorization: undefined })]);
    } finally {
      await other.close();
    }
  });

  it("refuses http:// unless insecure sources are allowed, and 404", async () => {
    server.offer("/p.tar.gz", { body: tarGz(PACKAGE) });
    expect(await codeOf(httpFetcher.fetch(settings("/p.tar.gz"), {}, newCtx({ allowHttp: false })))).toBe("insecure");
    expect(await codeOf(httpFetcher.fetch(settings("/missing.tar.gz"), {}, newCtx()))).toBe("not_found");
  });
});

describe("httpFetcher: unsafe entries are left out and reported (they fail the sets that hold them)", () => {
  /** Fetches the archive and expects it extracted but for the entries at `paths`, each reported with `message`. */
  const leavesOut = async (name: string, body: Buffer, paths: string[], message: RegExp) => {
    server.offer(`/${name}`, { body });
    const ctx = newCtx();
    const res = await httpFetcher.fetch(settings(`/${name}`), {}, ctx);
    expect(res.rejected, name).toEqual(paths.map((p) => ({ path: p, error: expect.stringMatching(message) })));
    expect(Object.keys(listFiles(ctx.dir)).filter((p) => paths.includes(p)), name).toEqual([]);
  };

  it("links: a symlink and a hard link in a tar, a symlink in a zip", async () => {
    await leavesOut("sym.tar.gz", tarGz({ "custom_plugins/a.mjs": PLUGIN, "custom_plugins/passwd": { symlink: "/etc/passwd" } }), ["custom_plugins/passwd"], /holds a link: .*passwd/);
    await leavesOut("hard.tar.gz", crafted(`
t = tarfile.open(out, "w:gz")
i = tarfile.TarInfo("custom_plugins/hard"); i.type = tarfile.LNKTYPE; i.linkname = "/etc/shadow"; t.addfile(i)
t.close()`), ["custom_plugins/hard"], /holds a link: .*hard/);
    await leavesOut("sym.zip", zip({ "custom_plugins/a.mjs": PLUGIN, "custom_plugins/up": { symlink: "../../x" } }), ["custom_plugins/up"], /holds a link: .*up/);
  });

  it("device files and FIFOs", async () => {
    for (const [name, type] of [["chr", "CHRTYPE"], ["blk", "BLKTYPE"], ["fifo", "FIFOTYPE"]]) {
      await leavesOut(`${name}.tar.gz`, crafted(`
t = tarfile.open(out, "w:gz")
i = tarfile.TarInfo("custom_plugins/${name}"); i.type = tarfile.${type}; t.addfile(i)
t.close()`), [`custom_plugins/${name}`], new RegExp(`holds a (character-device|block-device|fifo): .*${name}`));
    }
  });

  it("absolute and '..' names in a tar", async () => {
    for (const name of ["/etc/cron.d/x", "../outside.mjs", "custom_plugins/../../outside.mjs"]) {
      await leavesOut("bad-name.tar.gz", crafted(`
t = tarfile.open(out, "w:gz")
i = tarfile.TarInfo(${JSON.stringify(name)}); data = b"x"; i.size = len(data); t.addfile(i, io.BytesIO(data))
t.close()`), [name], /unsafe name/);
    }
  });

  it("only ctx.submodules are extracted: unsafe entries, files and limits elsewhere do not count", async () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`other/f${i}.mjs`, PLUGIN]));
    server.offer("/sets.tar.gz", { body: tarGz({ ...PACKAGE, ...many, "bad_plugins/passwd": { symlink: "/etc/passwd" }, "README.md": "hi" }) });
    const ctx = newCtx({ submodules: ["custom_plugins"] });
    const res = await httpFetcher.fetch(settings("/sets.tar.gz"), {}, ctx);
    expect(res).toMatchObject({ files: 2, rejected: [] });
    expect(listFiles(ctx.dir)).toEqual(PACKAGE);
  });
});

describe("httpFetcher: extraction limits (every one refuses the archive)", () => {
  const refuses = async (name: string, body: Buffer, code: string, message: RegExp, limits: Partial<FetchLimits> = {}) => {
    server.offer(`/${name}`, { body });
    const err = await sourceErrorOf(httpFetcher.fetch(settings(`/${name}`), {}, newCtx({ limits: { ...LIMITS, ...limits } })));
    expect(err, name).toMatchObject({ code, message: expect.stringMatching(message) });
  };

  it("absolute and '..' names in a zip (yauzl refuses the whole zip)", async () => {
    for (const name of ["/etc/cron.d/x", "../outside.mjs", "custom_plugins/../../outside.mjs"]) {
      await refuses("bad-name.zip", crafted(`
z = zipfile.ZipFile(out, "w"); z.writestr(${JSON.stringify(name)}, "x"); z.close()`), "unsafe_path", /invalid relative path|absolute path/);
    }
  });

  it("entry count, total size and compression ratio (a bomb in a tar.gz and in a zip entry)", async () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`custom_plugins/f${i}.mjs`, PLUGIN]));
    await refuses("many.tar.gz", tarGz(many), "too_large", /more than 50 entries/);
    await refuses("big.tar.gz", tarGz({ "custom_plugins/big.bin": "x".repeat(300_000) }), "too_large", /holds more than 200000 bytes|expands more than/, { maxBytes: 200_000 });
    const zeros = crafted(`
t = tarfile.open(out, "w:gz")
data = bytes(900000); i = tarfile.TarInfo("custom_plugins/zeros.bin"); i.size = len(data); t.addfile(i, io.BytesIO(data))
t.close()`);
    expect(zeros.length).toBeLessThan(9_000); // over 100:1
    await refuses("bomb.tar.gz", zeros, "too_large", /expands more than 100:1/);
    await refuses("bomb.zip", crafted(`
z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED); z.writestr("custom_plugins/zeros.bin", bytes(900000)); z.close()`), "too_large", /expands more than 100:1/);
  });

  it("a download over the size limit stops at the limit", async () => {
    await refuses("huge.bin", Buffer.alloc(300_000, 1), "too_large", /larger than 200000 bytes/, { maxBytes: 200_000 });
  });
});
