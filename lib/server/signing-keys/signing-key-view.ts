import type { SigningKey } from "@prisma/client";
import type { TrustedKey } from "../../plugins/trust/signing-key";

/** What the pages and the API show of an allowed signing key (the public key itself is public). */
export interface SigningKeyView {
  id: string;
  name: string;
  kind: "ssh" | "openpgp";
  fingerprint: string;
  algorithm: string;
  publicKey: string;
  userIds: string[];
  expiresAt: string | null;
  /** Expired when read: the verifier refuses its signatures. */
  expired: boolean;
  createdBy: string;
  createdAt: string;
}

export const toSigningKeyView = (k: SigningKey): SigningKeyView => ({
  id: k.id,
  name: k.name,
  kind: k.kind === "openpgp" ? "openpgp" : "ssh",
  fingerprint: k.fingerprint,
  algorithm: k.algorithm,
  publicKey: k.publicKey,
  userIds: k.userIds,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  expired: k.expiresAt !== null && k.expiresAt.getTime() <= Date.now(),
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
});

export const toTrustedKey = (k: SigningKey): TrustedKey => ({ name: k.name, kind: k.kind === "openpgp" ? "openpgp" : "ssh", fingerprint: k.fingerprint, publicKey: k.publicKey });
