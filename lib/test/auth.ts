import { sealData } from "iron-session";
import { db } from "../db";
import { deriveKey } from "../secrets";
import { SESSION_COOKIE } from "../auth/session";
import { testCookies } from "./request";

let n = 0;

/** Creates a user with `role` and puts a real sealed session cookie for it in the test cookie jar. */
export async function signInAs(role: "admin" | "member"): Promise<{ id: string; username: string }> {
  const user = await (await db()).user.create({
    data: { username: `${role}_${process.pid}_${++n}`, role, passwordHash: "x" },
  });
  await signInAsUser(user);
  return user;
}

/** Puts a session cookie for an existing user in the test cookie jar (switching between two users). */
export async function signInAsUser(user: { id: string }): Promise<void> {
  testCookies.clear();
  testCookies.set(SESSION_COOKIE, await sealData({ userId: user.id }, { password: deriveKey("session").toString("base64url") }));
}

export function signOut(): void {
  testCookies.clear();
}

/** A Request as a browser with the current cookie jar would send it. */
export function jsonRequest(method: string, url: string, body?: unknown): Request {
  return new Request(`http://localhost${url}`, {
    method,
    headers: { ...testCookies.requestHeaders(), "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The second argument Next passes to route handlers. */
export const routeCtx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
