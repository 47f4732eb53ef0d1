import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../../__fixtures__/s3-server";
import { fetchKit, listFiles } from "../../__fixtures__/fetch-kit";
import { codeOf, sourceErrorOf } from "../../__fixtures__/source-error";
import { makeTestTls } from "../../__fixtures__/tls";
import type { FetchLimits, S3Settings } from "../../types";
import { Staging } from "../staging";
import { checkS3Paths, createS3Fetcher, normalizePrefix, s3Fetcher, s3Revision } from "./fetcher";
import { englishSyncLog } from "@/lib/i18n/sync-log";

const LIMITS: FetchLimits = { connectTimeoutMs: 3_000, totalTimeoutMs: 15_000, maxBytes: 10 << 20, maxFiles: 1_000 };
/** Small pages so that 25 keys take several ListObjectsV2 calls. */
const paged = createS3Fetcher({ pageSize: 4 });

const { newCtx } = fetchKit("opsflow-s3", LIMITS);

describe("s3Fetcher against s3rver", () => {
  let s3: S3Server;
  let base: S3Settings;
  const secret = () => ({ secretAccessKey: s3.secretAccessKey });
  const expected: Record<string, string> = {};

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.bucket("plugins");
    for (let i = 0; i < 25; i++) {
      const rel = i % 5 === 0 ? `lib/m${i}.js` : `f${String(i).padStart(2, "0")}.js`;
      expected[rel] = `export default ${i};\n`;
      await s3.put("plugins", `team/p1/${rel}`, expected[rel]);
    }
    await s3.put("plugins", "team/p1/lib/", ""); // folder marker
    await s3.put("plugins", "team/p1-other/x.js", "not under the prefix-as-folder");
    await s3.put("plugins", "team/other.js", "outside");
    base = {
      endpoint: s3.endpoint,
      region: s3.region,
      bucket: "plugins",
      prefix: "team/p1",
      accessKeyId: s3.accessKeyId,
      pathStyle: true,
    };
  });
  afterAll(async () => {
    await s3?.close();
  });

  it("fetches every key under the prefix (paginated) relative to it, skipping folder markers", async () => {
    const lines: string[] = [];
    const ctx = newCtx({ log: (l) => lines.push(englishSyncLog(l)) });
    const res = await paged.fetch(base, secret(), ctx);
    expect(listFiles(ctx.dir)).toEqual(expected);
    expect(res.files).toBe(25);
    expect(res.bytes).toBe(Object.values(expected).reduce((n, s) => n + s.length, 0));
    expect(res.revision).toMatch(/^[0-9a-f]{64}$/);
    expect(await paged.revision(base, secret(), ctx)).toBe(res.revision);
    expect(await s3Fetcher.revision(base, secret(), ctx)).toBe(res.revision); // one page, same answer
    expect(await s3Fetcher.revision({ ...base, prefix: "team/p1/" }, secret(), ctx)).toBe(res.revision);
  });

  it("revision is stable and changes when an object changes", async () => {
    await s3.bucket("moving");
    await s3.put("moving", "a.js", "one");
    await s3.put("moving", "b.js", "two");
    const s = { ...base, bucket: "moving", prefix: "" };
    const r1 = await paged.revision(s, secret(), newCtx());
    await s3.put("moving", "a.js", "one"); // same content, same ETag
    expect(await paged.revision(s, secret(), newCtx())).toBe(r1);
    await s3.put("moving", "a.js", "ONE");
    const r2 = await paged.revision(s, secret(), newCtx());
    expect(r2).not.toBe(r1);
    const ctx = newCtx();
    expect((await paged.fetch(s, secret(), ctx)).revision).toBe(r2);
    expect(listFiles(ctx.dir)).toEqual({ "a.js": "ONE", "b.js": "two" });
    await s3.remove("moving", "b.js");
    expect(await paged.revision(s, secret(), newCtx())).not.toBe(r2);
  });

  it("sends unsigned requests without an access key (public bucket)", async () => {
    const ctx = newCtx();
    const res = await paged.fetch({ ...base, accessKeyId: "" }, {}, ctx);
    expect(listFiles(ctx.dir)).toEqual(expected);
    expect(res.revision).toBe(await paged.revision(base, secret(), ctx));
  });

  it("maps wrong credentials to auth and a missing bucket to not_found", async () => {
    const e = await sourceErrorOf(paged.fetch(base, { secretAccessKey: "wrong-secret-XYZ" }, newCtx()));
    expect(e.code).toBe("auth");
    expect(e.message).toMatch(/SignatureDoesNotMatch/);
    expect(e.message).not.toContain("wrong-secret-XYZ");
    expect(await codeOf(paged.revision({ ...base, accessKeyId: "NOBODY" }, secret(), newCtx()))).toBe("auth");
    expect(await codeOf(paged.fetch({ ...base, bucket: "no-such-bucket" }, secret(), newCtx()))).toBe("not_found");
    expect(await codeOf(paged.revision({ ...base, bucket: "no-such-bucket" }, secret(), newCtx()))).toBe("not_found");
  });

  it("leaves out and reports a key whose path below the prefix is '..'; ignores it outside ctx.submodules", async () => {
    await s3.bucket("evil");
    await s3.put("evil", "p/ok.js", "ok");
    await s3.put("evil", "p/set/a.js", "a");
    // s3rver keeps "p/.." as a key (it normalises "p/../x" to "x" before storing, so that form cannot be served).
    await s3.put("evil", "p/..", "escape");
    const evil = { ...base, bucket: "evil", prefix: "p" };
    const ctx = newCtx();
    const res = await paged.fetch(evil, secret(), ctx);
    expect(res.rejected).toEqual([{ path: "..", error: expect.stringMatching(/unsafe path in S3 key "p\/\.\."/) }]);
    expect(listFiles(ctx.dir)).toEqual({ "ok.js": "ok", "set/a.js": "a" });
    expect(await paged.revision(evil, secret(), newCtx())).toBe(res.revision);

    const only = newCtx({ submodules: ["set"] });
    const staged = await paged.fetch(evil, secret(), only);
    expect(staged).toMatchObject({ files: 1, rejected: [] });
    expect(listFiles(only.dir)).toEqual({ "set/a.js": "a" });
    expect(await paged.revision(evil, secret(), newCtx({ submodules: ["set"] }))).toBe(staged.revision);
  });

  it("checks key paths (unit): absolute, '..', '.', '//', backslash, NUL, file-vs-folder", async () => {
    const bad = ["../x", "a/../../x", "/etc/passwd", "a\\b", "a\0b", "./a", "a//b", "C:/x", ".."];
    const staging = new Staging();
    expect(await checkS3Paths(bad.map((rel) => ({ key: `p/${rel}`, rel })), staging)).toEqual([]);
    expect(staging.rejected.map((r) => r.path)).toEqual(bad);
    const clash = new Staging();
    const objects = [{ key: "p/a", rel: "a" }, { key: "p/a/b", rel: "a/b" }, { key: "p/a/c/d", rel: "a/c/d" }, { key: "p/b.js", rel: "b.js" }];
    expect(await checkS3Paths(objects, clash)).toEqual([{ key: "p/b.js", rel: "b.js" }]);
    expect(clash.rejected).toEqual([{ path: "a", error: expect.stringMatching(/both an object and a folder/) }]);
    const fine = [{ key: "p/a/b.js", rel: "a/b.js" }, { key: "p/c..d", rel: "c..d" }];
    expect(await checkS3Paths(fine, new Staging())).toEqual(fine);
    expect(normalizePrefix("")).toBe("");
    expect(normalizePrefix("a")).toBe("a/");
    expect(normalizePrefix("a/")).toBe("a/");
    expect(s3Revision([{ key: "b", etag: "2" }, { key: "a", etag: "1" }])).toBe(s3Revision([{ key: "a", etag: "1" }, { key: "b", etag: "2" }]));
  });

  it("enforces maxFiles and maxBytes", async () => {
    expect(await codeOf(paged.fetch(base, secret(), newCtx({ limits: { ...LIMITS, maxFiles: 10 } })))).toBe("too_large");
    expect(await codeOf(paged.fetch(base, secret(), newCtx({ limits: { ...LIMITS, maxBytes: 100 } })))).toBe("too_large");
  });

  it("refuses an http: endpoint unless allowed, and other schemes", async () => {
    expect(await codeOf(paged.fetch(base, secret(), newCtx({ allowHttp: false })))).toBe("insecure");
    expect(await codeOf(paged.revision(base, secret(), newCtx({ allowHttp: false })))).toBe("insecure");
    expect(await codeOf(paged.fetch({ ...base, endpoint: "ftp://127.0.0.1/" }, secret(), newCtx()))).toBe("insecure");
  });

  it("maps an unreachable endpoint to network and a silent one to timeout", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    expect(await codeOf(paged.revision({ ...base, endpoint: `http://127.0.0.1:${port}` }, secret(), newCtx()))).toBe("network");

    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const sport = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const limits = { ...LIMITS, connectTimeoutMs: 300, totalTimeoutMs: 5_000 };
      expect(await codeOf(paged.fetch({ ...base, endpoint: `http://127.0.0.1:${sport}` }, secret(), newCtx({ limits })))).toBe("timeout");
      const t1 = Date.now();
      expect(t1 - t0).toBeLessThan(3_000);
      const total = { ...LIMITS, connectTimeoutMs: 5_000, totalTimeoutMs: 400 };
      expect(await codeOf(paged.fetch({ ...base, endpoint: `http://127.0.0.1:${sport}` }, secret(), newCtx({ limits: total })))).toBe("timeout");
      expect(Date.now() - t1).toBeLessThan(2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe("s3Fetcher over https", () => {
  it("trusts the test CA only when given in ctx.ca", async () => {
    const tls = makeTestTls();
    const s3 = await startS3Server({ https: tls });
    try {
      await s3.bucket("secure");
      await s3.put("secure", "a.js", "tls");
      const s: S3Settings = {
        endpoint: s3.endpoint,
        region: s3.region,
        bucket: "secure",
        prefix: "",
        accessKeyId: s3.accessKeyId,
        pathStyle: true,
      };
      const ctx = newCtx({ allowHttp: false, ca: tls.ca });
      const res = await s3Fetcher.fetch(s, { secretAccessKey: s3.secretAccessKey }, ctx);
      expect(listFiles(ctx.dir)).toEqual({ "a.js": "tls" });
      expect(res.files).toBe(1);
      expect(await codeOf(s3Fetcher.revision(s, { secretAccessKey: s3.secretAccessKey }, newCtx({ allowHttp: false })))).toBe("network");
    } finally {
      await s3.close();
    }
  });
});
