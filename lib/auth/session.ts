import "server-only";
import { cookies } from "next/headers";
import { getIronSession, unsealData, type SessionOptions } from "iron-session";
import { env } from "../env";
import { ExpiringMap } from "../expiring-map";
import { deriveKey } from "../secrets";

/**
 * What the encrypted session cookie carries: who, and the user's session version when it was issued. The role
 * and the current version are read from the database (lib/server/auth/current-user.ts): a cookie whose version
 * is behind is refused, which is how sessions end before their cookie expires.
 */
export interface SessionData {
  userId?: string;
  /** User.sessionVersion at sign-in. Cookies issued before versions existed have none: they count as 0. */
  v?: number;
}

/** The user and version a session cookie names. */
export interface SessionClaims {
  userId: string;
  version: number;
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

/** The session to change (sign in, sign out). To learn who is signed in, use readSession. */
export async function getSession() {
  return getIronSession<SessionData>(await cookies(), options());
}

/** Signs the browser in as `user` (a new cookie, for the version the user is at now). */
export async function startSession(user: { id: string; sessionVersion: number }): Promise<void> {
  const session = await getSession();
  session.userId = user.id;
  session.v = user.sessionVersion;
  await session.save();
}

/**
 * Unsealed cookies by cookie value. Unsealing costs a key derivation (pbkdf2) and an HMAC + AES through webcrypto on
 * every request, and a browser sends the same cookie until it signs in again. A cookie unseals to the same data
 * until the seal expires, so an entry is kept for at most a minute and never past the seal's own expiry. Only
 * cookies that unsealed to a user are kept: forged or expired ones cannot fill the map. (Whether the session is
 * still valid is not the cookie's to say: the version is compared with the database on every request.)
 */
const unsealed = new ExpiringMap<string, SessionClaims>(1_000);
const UNSEALED_MS = 60_000;

/** The user and version in the request's session cookie, or undefined when there is none or it does not unseal. */
export async function readSession(): Promise<SessionClaims | undefined> {
  const seal = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!seal) return undefined;
  const now = Date.now();
  const hit = unsealed.get(seal, now);
  if (hit) return hit;
  const { password, ttl } = options(); // the same key and TTL as getSession's
  const { userId, v } = await unsealData<SessionData>(seal, { password, ttl });
  if (!userId) return undefined;
  const claims = Object.freeze({ userId, version: typeof v === "number" ? v : 0 });
  unsealed.set(seal, claims, Math.min(now + UNSEALED_MS, sealExpiry(seal) ?? Infinity));
  return claims;
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
