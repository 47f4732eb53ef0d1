/**
 * An S3 source's signed checksum list: the object `SHA256SUMS` at the prefix, in the format `sha256sum` prints
 * (`<64 hex>  <path>`, or `<64 hex> *<path>` in binary mode; a leading "./" is dropped), paths relative to the
 * prefix, checked like S3 keys (lib/plugins/safe-path: one that would leave the prefix fails the source). It is
 * trusted by a pinned sha256 of its exact bytes, or by a detached signature next to it (`SHA256SUMS.sig`: SSH,
 * namespace "file"; `SHA256SUMS.asc`: OpenPGP) by an allowed key, or by both (then both must hold). Every object
 * fetched must then be listed with the sha256 of what was downloaded; a listed path inside the staged directories
 * that the bucket lacks fails too.
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { detachedSuffixes, MAX_SIGNATURE_BYTES, verifyDetached, type DetachedSuffix } from "../../trust/detached";
import type { SignaturePolicy } from "../../trust/policy";
import type { Signer } from "../../trust/verify-signature";
import { PluginSourceError, type S3Settings } from "../../types";
import { checkRelativePath, type Operation } from "../common";
import type { Staging } from "../staging";

export const SUMS = "SHA256SUMS";
/** The objects at the prefix that belong to the list (never fetched as content; part of the revision). */
export const SUMS_OBJECTS = [SUMS, `${SUMS}.sig`, `${SUMS}.asc`];
/** Generous: 100 000 lines of long paths. */
const MAX_SUMS_BYTES = 16 << 20;

const LINE = /^([0-9a-fA-F]{64}) [ *](.+)$/;

/**
 * Whether the source checks a checksum list: a pin or a signature policy. From the settings alone, so that
 * revision() (which gets no policy) and fetch() agree on the revision, which then covers the list's objects.
 */
export const checksummed = (settings: S3Settings): boolean => Boolean(settings.sha256) || settings.signature === "any" || settings.signature === "keys";

/** Parses SHA256SUMS: path → sha256 (lower-case). Throws "integrity" for a malformed line, "unsafe_path" for a path that is not safe. */
export function parseSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const l = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (l === "") continue;
    const m = LINE.exec(l);
    if (!m) throw new PluginSourceError(`${SUMS} line ${i + 1} is not "<sha256>  <path>"`, "integrity");
    const rel = m[2].startsWith("./") ? m[2].slice(2) : m[2];
    checkRelativePath(rel, `${SUMS} line ${i + 1}`);
    const sha = m[1].toLowerCase();
    const before = out.get(rel);
    if (before !== undefined && before !== sha) throw new PluginSourceError(`${SUMS} lists ${JSON.stringify(rel)} twice with different digests`, "integrity");
    out.set(rel, sha);
  }
  return out;
}

/** An object's body (at most `max` bytes), or null when there is no such key. */
async function getSmall(client: S3Client, bucket: string, key: string, max: number, op: Operation): Promise<Buffer | null> {
  let res;
  try {
    res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: op.signal });
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404) return null;
    throw e;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (res.Body as Readable | undefined) ?? []) {
    size += (chunk as Buffer).length;
    if (size > max) {
      (res.Body as Readable).destroy();
      throw new PluginSourceError(`S3 object ${JSON.stringify(key)} is larger than ${max} bytes`, "integrity");
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface CheckedSums {
  sums: Map<string, string>;
  signer?: Signer;
  sha256: string;
}

/** Reads SHA256SUMS at the prefix and checks it against the pin and the policy, before any content is fetched. */
export async function loadSums(client: S3Client, settings: S3Settings, prefix: string, policy: SignaturePolicy | null | undefined, op: Operation): Promise<CheckedSums> {
  const where = `s3://${settings.bucket}/${prefix}${SUMS}`;
  const body = await getSmall(client, settings.bucket, prefix + SUMS, MAX_SUMS_BYTES, op);
  if (body === null) {
    const why = policy ? "the signature policy needs" : "the pinned sha256 needs";
    throw new PluginSourceError(`${where} does not exist (${why} a signed checksum list at the prefix)`, policy ? "signature" : "integrity");
  }
  const sha256 = createHash("sha256").update(body).digest("hex");
  if (settings.sha256 && sha256 !== settings.sha256) {
    throw new PluginSourceError(`${where} has sha256 ${sha256}, not the pinned ${settings.sha256}`, "integrity");
  }
  let signer: Signer | undefined;
  if (policy) {
    const found: Partial<Record<DetachedSuffix, string | null>> = {};
    for (const suffix of detachedSuffixes(policy)) {
      const sig = await getSmall(client, settings.bucket, prefix + SUMS + suffix, MAX_SIGNATURE_BYTES, op);
      found[suffix] = sig === null ? null : sig.toString("utf8");
    }
    signer = await verifyDetached(where, body, found, policy);
  }
  return { sums: parseSums(body.toString("utf8")), signer, sha256 };
}

/** Every object to fetch must be listed; every listed path inside the staged directories must be there. */
export function checkListed(objects: readonly { key: string; rel: string }[], sums: Map<string, string>, staging: Staging): void {
  for (const o of objects) {
    if (!sums.has(o.rel)) throw new PluginSourceError(`S3 object ${JSON.stringify(o.key)} is not listed in ${SUMS}`, "integrity");
  }
  const present = new Set(objects.map((o) => o.rel));
  for (const rel of sums.keys()) {
    if (staging.holds(rel) && !present.has(rel)) throw new PluginSourceError(`${JSON.stringify(rel)} is listed in ${SUMS} but not in the bucket`, "integrity");
  }
}

/** After an object was written: its sha256 must be the listed one. */
export function checkDigest(o: { key: string; rel: string }, sha256: string, sums: Map<string, string>): void {
  const want = sums.get(o.rel);
  if (want !== sha256) throw new PluginSourceError(`S3 object ${JSON.stringify(o.key)} has sha256 ${sha256}, not ${want} as ${SUMS} lists`, "integrity");
}
