import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer, type RepoFile } from "../../__fixtures__/git-server";
import { fetchKit, listFiles } from "../../__fixtures__/fetch-kit";
import { codeOf, sourceErrorOf } from "../../__fixtures__/source-error";
import { makeTestTls, type TestTls } from "../../__fixtures__/tls";
import type { FetchLimits, GitSettings } from "../../types";
import { gitFetcher } from "./fetcher";
import { englishSyncLog } from "@/lib/i18n/sync-log";

const LIMITS: FetchLimits = { connectTimeoutMs: 3_000, totalTimeoutMs: 15_000, maxBytes: 50 << 20, maxFiles: 1_000 };

const { newCtx } = fetchKit("opsflow-git", LIMITS);

const settings = (url: string, ref = "main", username = ""): GitSettings => ({ url, ref, username });

describe("gitFetcher over smart HTTP", () => {
  let server: GitServer;
  let repoUrl: string;
  let commits: string[];

  beforeAll(async () => {
    server = await startGitServer();
    const v1 = { "index.js": "export const v = 1;\n", "lib/util.js": "export const u = 1;\n", "README.md": "# demo\n" };
    const created = await server.createRepo("demo", v1, { tag: "v1.0.0" });
    repoUrl = created.url;
    commits = [...created.commits];
    commits.push(
      await server.commit("demo", { "index.js": "export const v = 2;\n", "lib/new.js": "new\n" }, { annotatedTag: "v2.0.0" }),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it("fetches a branch shallowly, writes the tree without .git, and matches revision()", async () => {
    const ctx = newCtx();
    const res = await gitFetcher.fetch(settings(repoUrl, "main"), {}, ctx);
    expect(res.revision).toBe(commits[1]);
    expect(listFiles(ctx.dir)).toEqual({
      "index.js": "export const v = 2;\n",
      "lib/util.js": "export const u = 1;\n",
      "lib/new.js": "new\n",
      "README.md": "# demo\n",
    });
    expect(fs.existsSync(path.join(ctx.dir, ".git"))).toBe(false);
    expect(res.files).toBe(4);
    // The digests of what it wrote, as staging would compute them from the files.
    expect(Object.fromEntries(res.digests!)).toEqual(
      Object.fromEntries(Object.entries(listFiles(ctx.dir)).map(([rel, text]) => [rel, { size: Buffer.byteLength(text), sha256: createHash("sha256").update(text).digest("hex") }])),
    );
    expect(res.bytes).toBe(Object.values(listFiles(ctx.dir)).reduce((n, s) => n + Buffer.byteLength(s), 0));
    expect(await gitFetcher.revision(settings(repoUrl, "main"), {}, ctx)).toBe(res.revision);
  });

  it("fetches a lightweight tag and an annotated tag (peeled to the commit)", async () => {
    const ctx1 = newCtx();
    const r1 = await gitFetcher.fetch(settings(repoUrl, "v1.0.0"), {}, ctx1);
    expect(r1.revision).toBe(commits[0]);
    expect(listFiles(ctx1.dir)["index.js"]).toBe("export const v = 1;\n");
    expect(await gitFetcher.revision(settings(repoUrl, "v1.0.0"), {}, ctx1)).toBe(commits[0]);

    const ctx2 = newCtx();
    const r2 = await gitFetcher.fetch(settings(repoUrl, "v2.0.0"), {}, ctx2);
    expect(r2.revision).toBe(commits[1]);
    expect(await gitFetcher.revision(settings(repoUrl, "refs/tags/v2.0.0"), {}, ctx2)).toBe(commits[1]);
  });

  it("fetches a fixed older commit with that commit's files", async () => {
    const ctx = newCtx();
    const res = await gitFetcher.fetch(settings(repoUrl, commits[0]), {}, ctx);
    expect(res.revision).toBe(commits[0]);
    expect(listFiles(ctx.dir)).toEqual({
      "index.js": "export const v = 1;\n",
      "lib/util.js": "export const u = 1;\n",
      "README.md": "# demo\n",
    });
    expect(await gitFetcher.revision(settings(repoUrl, commits[0].toUpperCase()), {}, ctx)).toBe(commits[0]);
  });

  it("revision() follows new commits", async () => {
    const { url, commits: c } = await server.createRepo("moving", { "a.txt": "a" });
    const ctx = newCtx();
    expect(await gitFetcher.revision(settings(url), {}, ctx)).toBe(c[0]);
    const next = await server.commit("moving", { "a.txt": "b" });
    expect(next).not.toBe(c[0]);
    expect(await gitFetcher.revision(settings(url), {}, ctx)).toBe(next);
    expect((await gitFetcher.fetch(settings(url), {}, ctx)).revision).toBe(next);
    expect(await gitFetcher.revision(settings(url, "HEAD"), {}, ctx)).toBe(next);
  });

  it("revision() is one HTTP request, also for a tag (a no-op resync is mostly these)", async () => {
    for (const ref of ["main", "v1.0.0", "refs/tags/v2.0.0", "HEAD"]) {
      const before = server.requests;
      await gitFetcher.revision(settings(repoUrl, ref), {}, newCtx());
      expect(server.requests - before, ref).toBe(1);
    }
  });

  it("reports a missing ref, a missing repository and an empty repository as not_found", async () => {
    expect(await codeOf(gitFetcher.revision(settings(repoUrl, "nope"), {}, newCtx()))).toBe("not_found");
    expect(await codeOf(gitFetcher.fetch(settings(repoUrl, "nope"), {}, newCtx()))).toBe("not_found");
    expect(await codeOf(gitFetcher.fetch(settings(`${server.url}/missing.git`), {}, newCtx()))).toBe("not_found");
    expect(await codeOf(gitFetcher.revision(settings(`${server.url}/missing.git`), {}, newCtx()))).toBe("not_found");
    expect(await codeOf(gitFetcher.fetch(settings(repoUrl, "0".repeat(40)), {}, newCtx()))).toBe("not_found");
  });

  it("refuses http: unless allowed, and other schemes always, without sending a request", async () => {
    const before = server.requests;
    expect(await codeOf(gitFetcher.fetch(settings(repoUrl), {}, newCtx({ allowHttp: false })))).toBe("insecure");
    expect(await codeOf(gitFetcher.revision(settings(repoUrl), {}, newCtx({ allowHttp: false })))).toBe("insecure");
    expect(await codeOf(gitFetcher.fetch(settings("file:///etc"), {}, newCtx()))).toBe("insecure");
    expect(await codeOf(gitFetcher.fetch(settings("ssh://git@example.com/x.git"), {}, newCtx()))).toBe("insecure");
    expect(await codeOf(gitFetcher.fetch(settings("not a url"), {}, newCtx()))).toBe("config");
    expect(server.requests).toBe(before);
  });

  it("enforces maxFiles and maxBytes", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.txt`] = `file ${i}\n`;
    const { url } = await server.createRepo("many", files);
    const small = (l: Partial<FetchLimits>) => newCtx({ limits: { ...LIMITS, ...l } });
    expect(await codeOf(gitFetcher.fetch(settings(url), {}, small({ maxFiles: 10 })))).toBe("too_large");
    expect(await codeOf(gitFetcher.fetch(settings(url), {}, small({ maxBytes: 100 })))).toBe("too_large");
    expect((await gitFetcher.fetch(settings(url), {}, small({ maxFiles: 30 }))).files).toBe(30);
  });

  it("writes symlinks that stay inside; leaves out and reports ones that escape", async () => {
    const { url } = await server.createRepo("links", {
      "real/a.js": "a",
      "alias.js": { symlink: "real/a.js" },
      "real/up.js": { symlink: "../alias.js" },
    });
    const ctx = newCtx();
    expect((await gitFetcher.fetch(settings(url), {}, ctx)).rejected).toEqual([]);
    expect(listFiles(ctx.dir)).toEqual({ "real/a.js": "a", "alias.js": "-> real/a.js", "real/up.js": "-> ../alias.js" });
    expect(fs.readFileSync(path.join(ctx.dir, "real/up.js"), "utf8")).toBe("a");

    const rejected = async (files: Record<string, RepoFile>) => {
      const { url: bad } = await server.createRepo(`badlink${++badLinks}`, { "ok.js": "ok", ...files });
      const out = newCtx();
      const res = await gitFetcher.fetch(settings(bad), {}, out);
      return { paths: res.rejected!.map((r) => r.path).sort(), errors: res.rejected!.map((r) => r.error), files: listFiles(out.dir) };
    };
    let badLinks = 0;
    expect(await rejected({ "x.js": { symlink: "../../etc/passwd" } })).toEqual({ paths: ["x.js"], errors: [expect.stringMatching(/x\.js.*outside/)], files: { "ok.js": "ok" } });
    expect(await rejected({ "x.js": { symlink: "/etc/passwd" } })).toMatchObject({ paths: ["x.js"], files: { "ok.js": "ok" } });
    // Each link is lexically inside, but through d/up (the root) esc and sub/self leave it.
    const bad3 = await rejected({ "d/x": "x", "d/up": { symlink: ".." }, esc: { symlink: "d/up/../x" }, "sub/self": { symlink: "../d/up/.." } });
    expect(bad3.paths).toEqual(["esc", "sub/self"]);
    expect(Object.keys(bad3.files).sort()).toEqual(["d/up", "d/x", "ok.js"]);
  });

  it("stages only ctx.submodules: the rest of the commit is neither written, counted nor checked", async () => {
    const { url } = await server.createRepo("sets", {
      "custom_plugins/a.js": "a",
      "custom_plugins/lib/b.js": "b",
      "nested/deep/set/c.js": "c",
      "nested/deep/other.js": "not staged",
      "bad_plugins/passwd.txt": { symlink: "/etc/passwd" },
      "many/1.txt": "1",
      "many/2.txt": "2",
      "top.txt": "t",
    });
    const ctx = newCtx({ submodules: ["custom_plugins", "nested/deep/set", "custom_plugins/lib", "missing"], limits: { ...LIMITS, maxFiles: 3 } });
    const res = await gitFetcher.fetch(settings(url), {}, ctx);
    expect(res).toMatchObject({ files: 3, bytes: 3, rejected: [] });
    expect(listFiles(ctx.dir)).toEqual({ "custom_plugins/a.js": "a", "custom_plugins/lib/b.js": "b", "nested/deep/set/c.js": "c" });
    expect([...res.digests!.keys()].sort()).toEqual(["custom_plugins/a.js", "custom_plugins/lib/b.js", "nested/deep/set/c.js"]);
  });

  it("reports a submodule (or a folder above it) that is a symlink instead of following it", async () => {
    const { url } = await server.createRepo("linked-set", { "real/a.js": "a", "plugins": { symlink: "real" }, "up": { symlink: "." } });
    const res = await gitFetcher.fetch(settings(url), {}, newCtx({ submodules: ["plugins", "up/real"] }));
    expect(res.rejected!.map((r) => r.path).sort()).toEqual(["plugins", "up"]);
    expect(res.rejected![0].error).toMatch(/symlink; a submodule and the folders above it must be directories/);
  });

  it("maps an unreachable port to network and a silent server to timeout", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    expect(await codeOf(gitFetcher.fetch(settings(`http://127.0.0.1:${port}/x.git`), {}, newCtx()))).toBe("network");

    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const sport = (silent.address() as net.AddressInfo).port;
    try {
      const limits = { ...LIMITS, connectTimeoutMs: 300, totalTimeoutMs: 5_000 };
      let t0 = Date.now();
      const e1 = await sourceErrorOf(gitFetcher.fetch(settings(`http://127.0.0.1:${sport}/x.git`), {}, newCtx({ limits })));
      expect(e1.code).toBe("timeout");
      expect(Date.now() - t0).toBeLessThan(2_000);
      t0 = Date.now();
      const e2 = await sourceErrorOf(
        gitFetcher.revision(settings(`http://127.0.0.1:${sport}/x.git`), {}, newCtx({ limits: { ...limits, connectTimeoutMs: 5_000, totalTimeoutMs: 400 } })),
      );
      expect(e2.code).toBe("timeout");
      expect(Date.now() - t0).toBeLessThan(2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("refuses to overwrite what is already in ctx.dir", async () => {
    const ctx = newCtx();
    fs.writeFileSync(path.join(ctx.dir, "index.js"), "mine");
    expect(await codeOf(gitFetcher.fetch(settings(repoUrl), {}, ctx))).toBe("unsafe_path");
    expect(fs.readFileSync(path.join(ctx.dir, "index.js"), "utf8")).toBe("mine");
  });

  it("leaves no temp gitdir behind", async () => {
    // This process's gitdirs only: another suite or server may be fetching into the same temp dir meanwhile.
    const mine = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`opsflow-gitdir-${process.pid}-`));
    expect(mine()).toEqual([]);
    await gitFetcher.fetch(settings(repoUrl), {}, newCtx());
    await codeOf(gitFetcher.fetch(settings(repoUrl, "nope"), {}, newCtx()));
    expect(mine()).toEqual([]);
  });

  it("fetches a ~200-file repository (timing logged)", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/mod${i % 10}/file${i}.js`] = `export const n${i} = ${i};\n${"// filler\n".repeat(100)}`;
    const { url, commits: c } = await server.createRepo("big", files);
    const lines: string[] = [];
    const ctx = newCtx({ log: (l) => lines.push(englishSyncLog(l)) });
    const t0 = performance.now();
    const res = await gitFetcher.fetch(settings(url), {}, ctx);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    await gitFetcher.revision(settings(url), {}, ctx);
    const revMs = performance.now() - t1;
    expect(res).toMatchObject({ revision: c[0], files: 200 });
    console.log(`[git perf] 200 files / ${res.bytes} bytes: fetch ${ms.toFixed(0)} ms, revision ${revMs.toFixed(0)} ms; ${lines.join("; ")}`);
  });
});

describe("gitFetcher with auth", () => {
  const TOKEN = "s3cr3t-token-value-123";
  let server: GitServer;
  let url: string;
  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    url = (await server.createRepo("private", { "a.js": "private" })).url;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("fetches with the right token (default username x-access-token)", async () => {
    const ctx = newCtx();
    const res = await gitFetcher.fetch(settings(url), { token: TOKEN }, ctx);
    expect(listFiles(ctx.dir)).toEqual({ "a.js": "private" });
    expect(await gitFetcher.revision(settings(url, "main", "someone"), { token: TOKEN }, ctx)).toBe(res.revision);
  });

  it("maps a wrong or missing token to auth without leaking it", async () => {
    const wrong = "wrong-token-ABCDEF";
    for (const call of [
      () => gitFetcher.fetch(settings(url), { token: wrong }, newCtx()),
      () => gitFetcher.revision(settings(url), { token: wrong }, newCtx()),
    ]) {
      const e = await sourceErrorOf(call());
      expect(e.code).toBe("auth");
      expect(e.message).not.toContain(wrong);
      expect(e.message).not.toContain(Buffer.from(`x-access-token:${wrong}`).toString("base64"));
    }
    const e = await sourceErrorOf(gitFetcher.fetch(settings(url), {}, newCtx()));
    expect(e.code).toBe("auth");
    expect(e.message).toMatch(/authentication/);
  });
});

describe("gitFetcher over https", () => {
  let tlsFiles: TestTls;
  let server: GitServer;
  let url: string;
  beforeAll(async () => {
    tlsFiles = makeTestTls();
    server = await startGitServer({ https: { key: tlsFiles.key, cert: tlsFiles.cert } });
    url = (await server.createRepo("secure", { "a.js": "tls" })).url;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("trusts the test CA only when given in ctx.ca", async () => {
    const ctx = newCtx({ allowHttp: false, ca: tlsFiles.ca });
    const res = await gitFetcher.fetch(settings(url), {}, ctx);
    expect(listFiles(ctx.dir)).toEqual({ "a.js": "tls" });
    expect(await gitFetcher.revision(settings(url), {}, ctx)).toBe(res.revision);

    const e = await sourceErrorOf(gitFetcher.fetch(settings(url), {}, newCtx({ allowHttp: false })));
    expect(e.code).toBe("network");
    expect(e.message).toMatch(/CERT|certificate|UNABLE_TO_VERIFY|self.signed/i);
    expect(await codeOf(gitFetcher.revision(settings(url), {}, newCtx({ allowHttp: false })))).toBe("network");
  });
});
