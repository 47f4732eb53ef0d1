import "server-only";
import { db } from "../../db";
import { inspectSigningKey, SigningKeyError } from "../../plugins/trust/signing-key";
import type { TSigningKeyInput } from "../../validations/signing-key";
import { recordAudit } from "../audit/record-audit";
import { fieldError, isUniqueViolation } from "../errors";
import { toSigningKeyView, type SigningKeyView } from "./signing-key-view";

const REFUSED: Record<SigningKeyError["key"], string> = {
  key_unparseable: "errors.signingKeyUnparseable",
  key_private: "errors.signingKeyPrivate",
  key_unsupported: "errors.signingKeyUnsupported",
};

/**
 * Adds a key to the allow-list: parsed first (an unparseable, private or unsupported key is a field error on
 * publicKey), refused when its name (any case) or its fingerprint is already listed; audited in the same transaction.
 */
export async function createSigningKey(input: { name: string; publicKey: string } & TSigningKeyInput, actor: string): Promise<SigningKeyView> {
  let info;
  try {
    info = await inspectSigningKey(input.publicKey);
  } catch (e) {
    if (e instanceof SigningKeyError) throw fieldError("publicKey", REFUSED[e.key]);
    throw e;
  }
  const prisma = await db();
  const sameName = await prisma.signingKey.findFirst({ where: { name: { equals: input.name, mode: "insensitive" } } });
  if (sameName) throw fieldError("name", "errors.signingKeyNameTaken", { name: sameName.name });
  const sameKey = await prisma.signingKey.findUnique({ where: { fingerprint: info.fingerprint } });
  if (sameKey) throw fieldError("publicKey", "errors.signingKeyDuplicate", { name: sameKey.name });
  try {
    return await prisma.$transaction(async (tx) => {
      const row = await tx.signingKey.create({
        data: {
          name: input.name,
          kind: info.kind,
          fingerprint: info.fingerprint,
          algorithm: info.algorithm,
          publicKey: info.normalized,
          userIds: info.userIds ?? [],
          expiresAt: info.expiresAt ? new Date(info.expiresAt) : null,
          createdBy: actor,
        },
      });
      await recordAudit(tx, { actor, action: "signing_key.create", targetType: "signing_key", targetId: row.id, targetName: row.name, summary: { kind: row.kind, fingerprint: row.fingerprint, algorithm: row.algorithm } });
      return toSigningKeyView(row);
    });
  } catch (err) {
    // A concurrent save of the same name or key.
    if (isUniqueViolation(err)) throw fieldError("name", "errors.signingKeyNameTaken", { name: input.name });
    throw err;
  }
}
