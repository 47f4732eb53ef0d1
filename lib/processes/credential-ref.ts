import { z } from "../validations/zod";

/**
 * What a node stores for an input of type `secret`: a reference to a named credential (lib/server/credentials),
 * never the value. The value is decrypted only on the instance that calls the plugin, for that call.
 */
export const ZCredentialRef = z.strictObject({ credential: z.string().min(1).max(64) });
export type CredentialRef = z.infer<typeof ZCredentialRef>;

export const isCredentialRef = (v: unknown): v is CredentialRef => ZCredentialRef.safeParse(v).success;

/** The credential ids a graph's node inputs reference (any input: only secret inputs may hold them). */
export function credentialIds(inputs: Iterable<Record<string, unknown>>): string[] {
  const ids = new Set<string>();
  for (const values of inputs) for (const v of Object.values(values)) if (isCredentialRef(v)) ids.add(v.credential);
  return [...ids];
}
