import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../../env";

/**
 * True when the request carries `Authorization: Bearer <SYNC_TOKEN>`. Compared in constant time over SHA-256
 * digests (equal lengths, so the token's length does not leak either). No SYNC_TOKEN configured = never.
 */
export function hasSyncToken(request: Request): boolean {
  const expected = env.syncToken();
  const header = request.headers.get("authorization") ?? "";
  if (!expected || expected.length < 16 || !header.startsWith("Bearer ")) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(header.slice(7).trim()), digest(expected));
}
