/**
 * The detached signature of an http source's archive: `<url>.sig` (SSH, namespace "file") and/or `<url>.asc`
 * (OpenPGP), fetched from the same server with the same credentials (the suffix goes on the URL's path; its query is
 * kept), and checked over the exact archive bytes before anything is extracted (lib/plugins/trust/detached.ts).
 */
import fsp from "node:fs/promises";
import type http from "node:http";
import type { SignaturePolicy } from "../../trust/policy";
import { detachedSuffixes, MAX_SIGNATURE_BYTES, verifyDetached, type DetachedSuffix } from "../../trust/detached";
import type { Signer } from "../../trust/verify-signature";
import { PluginSourceError, type FetchContext, type SecretsByKind, type SettingsByKind } from "../../types";
import { displayUrl, type Operation } from "../common";
import { openArchive } from "./download";

type Settings = SettingsByKind["http"];

/** The URL of the archive's detached signature: the suffix appended to its path. */
export function signatureUrl(archiveUrl: string, suffix: DetachedSuffix): string {
  const u = new URL(archiveUrl);
  u.pathname += suffix;
  return u.href;
}

async function readSmall(res: http.IncomingMessage, where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SIGNATURE_BYTES) {
      res.destroy();
      throw new PluginSourceError(`signature check failed: ${where} is larger than ${MAX_SIGNATURE_BYTES} bytes, not a detached signature`, "signature");
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The signature object's text, or null when the server has none (404 / 410). */
async function fetchSignature(settings: Settings, secret: SecretsByKind["http"], ctx: Omit<FetchContext, "dir">, op: Operation, suffix: DetachedSuffix): Promise<string | null> {
  const url = signatureUrl(settings.url, suffix);
  try {
    const { res } = await openArchive({ ...settings, url }, secret, ctx, op);
    return await op.race(readSmall(res, displayUrl(new URL(url))));
  } catch (e) {
    if (e instanceof PluginSourceError && e.code === "not_found") return null;
    throw e;
  }
}

/** Checks the downloaded archive (the file at `archive`) against its detached signature under `policy`. */
export async function verifyArchiveSignature(archive: string, settings: Settings, secret: SecretsByKind["http"], ctx: Omit<FetchContext, "dir">, op: Operation, policy: SignaturePolicy): Promise<Signer> {
  const found: Partial<Record<DetachedSuffix, string | null>> = {};
  for (const suffix of detachedSuffixes(policy)) found[suffix] = await fetchSignature(settings, secret, ctx, op, suffix);
  const payload = await fsp.readFile(archive);
  return verifyDetached(`the archive ${displayUrl(new URL(settings.url))}`, payload, found, policy);
}
