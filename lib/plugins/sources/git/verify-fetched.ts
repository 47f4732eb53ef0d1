/**
 * The signature policy of a git source, checked on what was fetched before anything is written: the object the
 * ref names — an annotated tag when the ref is one, else the commit — must carry a valid signature by an allowed
 * key (lib/plugins/trust). Objects are read from the fetched gitdir, where isomorphic-git checks each one's SHA-1.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { signatureFailure } from "../../trust/detached";
import type { SignaturePolicy } from "../../trust/policy";
import { SignatureError, verifySignature, type Signer } from "../../trust/verify-signature";
import { PluginSourceError } from "../../types";
import { splitSignedCommit, splitSignedTag } from "./signed-object";

export async function verifyFetched(gitdir: string, cache: object, oid: string, ref: string, policy: SignaturePolicy): Promise<Signer> {
  const { type, object } = await git.readObject({ fs, gitdir, oid, format: "content", cache });
  const raw = Buffer.from(object as Uint8Array);
  const isTag = type === "tag";
  if (!isTag && type !== "commit") throw new PluginSourceError(`${ref} names a ${type}, not a commit or tag`, "signature");
  const parts = isTag ? splitSignedTag(raw) : splitSignedCommit(raw);
  const what = isTag ? `tag ${ref} (${oid.slice(0, 12)})` : `commit ${oid.slice(0, 12)}`;
  try {
    return await verifySignature(what, parts.payload, parts.signature, policy.keys);
  } catch (e) {
    if (!(e instanceof SignatureError)) throw e;
    throw signatureFailure(e, policy);
  }
}
