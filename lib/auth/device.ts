import "server-only";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { sealData, unsealData } from "iron-session";
import { env } from "../env";
import { deriveKey } from "../secrets";

/**
 * The device cookie: proof that this browser has signed in as a user before, so the sign-in rate limit can tell
 * the user's own browser from an attacker's (lib/auth/rate-limit.ts). It says nothing else and grants nothing: a
 * password is still needed. Sealed with the session key; per browser, for the username last signed in.
 */
export const DEVICE_COOKIE = "opsflow_device";
const DEVICE_TTL_SECONDS = 180 * 24 * 60 * 60;

interface DeviceData {
  /** The username, lower case. */
  u: string;
  /** A random id: the rate limiter's key for this device. */
  d: string;
}

const password = () => deriveKey("session").toString("base64url");

/** The device id when the request carries a valid device cookie for `username`; else undefined. */
export async function knownDevice(username: string): Promise<string | undefined> {
  const seal = (await cookies()).get(DEVICE_COOKIE)?.value;
  if (!seal) return undefined;
  try {
    const data = await unsealData<Partial<DeviceData>>(seal, { password: password(), ttl: DEVICE_TTL_SECONDS });
    return data.u === username.toLowerCase() && typeof data.d === "string" ? data.d : undefined;
  } catch {
    return undefined; // forged or from another APP_SECRET: simply not a known device
  }
}

/** After a correct sign-in: this browser is a known device for `username` (its id kept when it already was). */
export async function rememberDevice(username: string, existing?: string): Promise<void> {
  const data: DeviceData = { u: username.toLowerCase(), d: existing ?? randomBytes(16).toString("base64url") };
  const seal = await sealData(data, { password: password(), ttl: DEVICE_TTL_SECONDS });
  (await cookies()).set(DEVICE_COOKIE, seal, { httpOnly: true, secure: env.cookieSecure(), sameSite: "lax", path: "/", maxAge: DEVICE_TTL_SECONDS });
}
