import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { assertSafeKey, type CacheStore } from "./types";

/**
 * An S3 (or compatible) cache under `prefix`, shared by all instances. S3 PUTs are atomic per object, so a reader
 * never sees a partial object; the manifest-last rule makes the generation appear at once.
 */
export function s3Cache(client: S3Client, bucket: string, prefix: string, endpoint: string): CacheStore {
  const base = prefix ? prefix.replace(/\/*$/, "/") : "";
  const full = (key: string) => {
    assertSafeKey(key);
    return base + key;
  };
  const isMissing = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
  };
  const get = async (key: string) => {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
    return Buffer.from(await res.Body!.transformToByteArray());
  };
  return {
    location: `s3://${bucket}/${base} @ ${endpoint}`,
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: body, ContentLength: body.length }));
    },
    async putIfAbsent(key, body) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: body, ContentLength: body.length, IfNoneMatch: "*" }));
        return true;
      } catch (err) {
        // 412: the key exists. 409 ConditionalRequestConflict: another create-only PUT of the key is in flight.
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || status === 409) return false;
        throw err;
      }
    },
    get,
    async getIfExists(key) {
      try {
        return await get(key);
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async has(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async list(prefixKey) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: base + prefixKey, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(base.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((k) => ({ Key: full(k) })), Quiet: true } }),
        );
      }
    },
  };
}
