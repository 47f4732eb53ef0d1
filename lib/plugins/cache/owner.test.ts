import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../__fixtures__/s3-server";
import { createS3Client } from "../s3-client";
import { fsCache } from "./fs";
import { CacheOwnedError, claimCache, OWNER_KEY, readCacheOwner } from "./owner";
import { s3Cache } from "./s3";
import type { CacheStore } from "./types";

/** The install marker: written once (create-only puts), refused to any other install. */

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
  await s3.bucket("owned");
});
afterAll(() => s3.close());

let n = 0;
const kinds: [string, () => CacheStore][] = [
  ["fs", () => fsCache(fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-owner-")))],
  ["s3", () => s3Cache(createS3Client({ endpoint: s3.endpoint, region: s3.region, bucket: "owned", prefix: "", accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true }), "owned", `p${++n}/`, s3.endpoint)],
];

describe.each(kinds)("%s cache", (_kind, make) => {
  it("putIfAbsent writes a key once: of many writers at once exactly one wins, and its bytes stay", async () => {
    const cache = make();
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => cache.putIfAbsent("k/once.json", Buffer.from(`writer ${i}`))));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await cache.get("k/once.json")).toString()).toBe(`writer ${wins.indexOf(true)}`);
    expect(await cache.putIfAbsent("k/once.json", Buffer.from("late"))).toBe(false);
  });

  it("an unowned cache is claimed on first use; its owner passes, another install is refused", async () => {
    const cache = make();
    expect(await readCacheOwner(cache)).toBeNull();
    await claimCache(cache, "install-a");
    expect(await readCacheOwner(cache)).toBe("install-a");
    expect(JSON.parse((await cache.get(OWNER_KEY)).toString())).toMatchObject({ installId: "install-a" });
    await claimCache(cache, "install-a");
    const refused = await claimCache(cache, "install-b").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CacheOwnedError);
    expect((refused as Error).message).toMatch(new RegExp(`^the cache .+ belongs to another Opsflow install \\(install-a\\); this install \\(install-b\\) needs a cache location of its own$`));
    expect(await readCacheOwner(cache)).toBe("install-a");
  });

  it("two installs claiming an unowned cache at once: one owns it, the other is refused", async () => {
    const cache = make();
    const results = await Promise.allSettled([claimCache(cache, "x"), claimCache(cache, "y")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(CacheOwnedError) });
  });

  it("checking without claiming writes nothing", async () => {
    const cache = make();
    await claimCache(cache, "z", { claim: false });
    expect(await readCacheOwner(cache)).toBeNull();
  });
});
