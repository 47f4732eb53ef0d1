/**
 * The signed payload and the signature of a raw git commit or annotated tag object, as `git verify-commit` /
 * `verify-tag` read them: a commit's `gpgsig` header (continuation lines start with a space) is cut out of the
 * object; a tag's signature is the tail of its message from the last line that begins an armored signature.
 */
const TAG_SIG = /^-----BEGIN (PGP|SSH) SIGNATURE-----$/;

export interface SignedParts {
  payload: Buffer;
  signature: string | null;
}

export function splitSignedCommit(raw: Buffer): SignedParts {
  const text = raw.toString("latin1");
  const headerEnd = text.indexOf("\n\n");
  const header = headerEnd < 0 ? text : text.slice(0, headerEnd + 1);
  const lines = header.split("\n");
  const kept: string[] = [];
  let sig: string[] | null = null;
  let inSig = false;
  for (const l of lines) {
    if (inSig && l.startsWith(" ")) {
      sig!.push(l.slice(1));
      continue;
    }
    inSig = false;
    if (l.startsWith("gpgsig ") && sig === null) {
      sig = [l.slice("gpgsig ".length)];
      inSig = true;
      continue;
    }
    kept.push(l);
  }
  if (sig === null) return { payload: raw, signature: null };
  const payload = kept.join("\n") + (headerEnd < 0 ? "" : text.slice(headerEnd + 1));
  return { payload: Buffer.from(payload, "latin1"), signature: sig.join("\n") };
}

export function splitSignedTag(raw: Buffer): SignedParts {
  const text = raw.toString("latin1");
  const bodyStart = text.indexOf("\n\n");
  if (bodyStart < 0) return { payload: raw, signature: null };
  let at = -1;
  for (let i = bodyStart + 2; i < text.length; ) {
    const nl = text.indexOf("\n", i);
    const end = nl < 0 ? text.length : nl;
    if (TAG_SIG.test(text.slice(i, end))) at = i;
    i = end + 1;
  }
  if (at < 0) return { payload: raw, signature: null };
  return { payload: Buffer.from(text.slice(0, at), "latin1"), signature: text.slice(at) };
}

/** The object a tag points at and its type (the header lines "object" and "type"). */
export function tagTarget(raw: Buffer): { object: string; type: string } | null {
  const head = raw.toString("latin1").split("\n\n")[0];
  const object = /^object ([0-9a-f]{40})$/m.exec(head)?.[1];
  const type = /^type (\w+)$/m.exec(head)?.[1];
  return object && type ? { object, type } : null;
}
