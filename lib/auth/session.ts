import "server-only";
import { cookies } from "next/headers";
import { getIronSession, type SessionOptions } from "iron-session";
import { env } from "../env";
import { deriveKey } from "../secrets";

/** What the encrypted session cookie carries. The role is re-read from the DB on every check. */
export interface SessionData {
  userId?: string;
}

export const SESSION_COOKIE = "opsflow_session";

function options(): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    // iron-session wants ≥32 characters; a key derived from APP_SECRET, separate from the secrets key.
    password: deriveKey("session").toString("base64url"),
    ttl: 8 * 60 * 60,
    cookieOptions: { httpOnly: true, secure: env.cookieSecure(), sameSite: "lax", path: "/" },
  };
}

export async function getSession() {
  return getIronSession<SessionData>(await cookies(), options());
}
