import "server-only";
import { cookies } from "next/headers";
import { getIronSession, unsealData, type SessionOptions } from "iron-session";
import { env } from "../env";
import { ExpiringMap } from "../expiring-map";
import { deriveKey } from "../secrets";

/** What the encrypted session cookie carries. The role is read from the DB (lib/server/auth/current-user.ts). */
export interface SessionData {
  userId?: string;
}

export const SESSION_COOKIE = "opsflow_session";
const TTL_SECONDS = 8 * 60 * 60;

function options(): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    // iron-session wants ≥32 characters; a key derived from APP_SECRET, separate from the secrets key.
    password: deriveKey("session").toString("base64url"),
    ttl: TTL_SECONDS,
    cookieOptions: { httpOnly: true, secure: env.cookieSecure(), sameSite: "lax", path: "/" },
  };
}

/** The session to change (sign in, sign out). To learn who is signed in, use sessionUserId. */
export async function getSession() {
  return getIronSession<SessionData>(await cookies(), options());
}

/**
 * Unsealed cookies by cookie value. Unsealing costs a key derivation (pbkdf2) and an HMAC + AES through webcrypto on
 * every request, and a browser sends the same cookie until it signs in again. A cookie unseals to the same data
 * until the seal expires, so an entry is kept for at most a minute and never past the seal's own expiry. Only
 * cookies that unsealed to a user are kept: forged or expired ones cannot fill the map.
 */
const unsealed = new ExpiringMap<string, string>(1_000);
const UNSEALED_MS = 60_000;

/** The user id in the request's session cookie, or undefined when there is none or it does not unseal. */
export async function sessionUserId(): Promise<string | undefined> {
  const seal = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!seal) return undefined;
  const now = Date.now();
  const hit = unsealed.get(seal, now);
  if (hit) return hit;
  const { password, ttl } = options(); // the same key and TTL as getSession's
  const { userId } = await unsealData<SessionData>(seal, { password, ttl });
  if (userId) unsealed.set(seal, userId, Math.min(now + UNSEALED_MS, sealExpiry(seal) ?? Infinity));
  return userId;
}

/**
 * When a seal stops unsealing, in ms: iron's "Fe26.2*id*salt*iv*data*<expiration>*hmacSalt*hmac", plus
 * iron-session's "~<version>". Iron still accepts a seal up to a minute (its clock skew) after that; the memo
 * does not. Undefined when the seal has no expiry (an iron ttl of 0).
 */
export function sealExpiry(seal: string): number | undefined {
  const expiration = seal.split("~")[0].split("*")[5];
  return expiration && /^\d+$/.test(expiration) ? Number(expiration) : undefined;
}
