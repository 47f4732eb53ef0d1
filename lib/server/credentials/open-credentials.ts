import "server-only";
import { db } from "../../db";
import { isCredentialRef } from "../../processes/credential-ref";
import { openSecrets } from "../../secrets";
import { accessOf } from "../sharing/access";

export type OpenedInputs = { ok: true; values: Record<string, unknown>; secrets: string[] } | { ok: false; key: string; input: string };

/**
 * A node's stored inputs with each credential reference replaced by the credential's decrypted value, for one
 * plugin call on this instance: the caller passes `values` to the plugin host and nothing else; `secrets` are for
 * scrubbing what comes back (logs, outputs, errors). A reference is opened only when the credential still exists
 * and the run's starter or the process owner may use it (checked again here: shares can be taken away mid-run).
 */
export async function openCredentials(stored: Record<string, unknown>, who: { id: string; role: "admin" | "member" }[]): Promise<OpenedInputs> {
  const refs = Object.entries(stored).filter(([, v]) => isCredentialRef(v)) as [string, { credential: string }][];
  if (!refs.length) return { ok: true, values: stored, secrets: [] };
  const rows = await (await db()).credential.findMany({
    where: { id: { in: refs.map(([, r]) => r.credential) } },
    select: { id: true, secret: true, ownerId: true, shares: { select: { userId: true, role: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const values = { ...stored };
  const secrets: string[] = [];
  for (const [key, ref] of refs) {
    const row = byId.get(ref.credential);
    if (!row || !who.some((w) => accessOf(row, w))) return { ok: false, key: "credentials.errors.unusableAtRun", input: key };
    const value = openSecrets(row.secret).value ?? "";
    values[key] = value;
    secrets.push(value);
  }
  return { ok: true, values, secrets };
}
