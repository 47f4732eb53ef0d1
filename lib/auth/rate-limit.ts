import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Failed sign-ins are limited so that guessing is slow, without letting an attacker lock the real user out:
 *
 * - A browser the user signed in from before carries a device cookie for that username (lib/auth/device.ts). Its
 *   attempts count only against that device's own budget: failures from anywhere else (the same address
 *   included: behind a proxy without TRUST_PROXY=1, every client has the one address "direct") cannot block it.
 * - Other attempts count per username + address (guessing one account) and per address (spraying many), as
 *   OWASP's "device cookies" scheme describes. These budgets can be exhausted by an attacker sharing the
 *   address; a user who signs in correctly from another address, or from a known device, is not affected.
 *
 * In-process memory: each instance counts on its own, so N instances allow N times the budget (see README limits).
 */
const LIMITS = {
  device: { points: 10, duration: 15 * 60 },
  userIp: { points: 5, duration: 15 * 60 },
  ip: { points: 50, duration: 60 * 60 },
};
const perDevice = new RateLimiterMemory({ keyPrefix: "login_device", ...LIMITS.device });
const perUserIp = new RateLimiterMemory({ keyPrefix: "login_user_ip", ...LIMITS.userIp });
const perIp = new RateLimiterMemory({ keyPrefix: "login_ip", ...LIMITS.ip });

/** Where an attempt comes from: the client address, and the device id when its cookie is for this username. */
export interface LoginSource {
  ip: string;
  device?: string;
}

const budgets = (username: string, source: LoginSource): [RateLimiterMemory, string, number][] =>
  source.device
    ? [[perDevice, source.device, LIMITS.device.points]]
    : [
        [perUserIp, `${username.toLowerCase()}|${source.ip}`, LIMITS.userIp.points],
        [perIp, source.ip, LIMITS.ip.points],
      ];

/** Seconds until the next attempt is allowed, or 0 if allowed now. */
export async function loginRetryAfter(username: string, source: LoginSource): Promise<number> {
  const states = await Promise.all(budgets(username, source).map(async ([limiter, key, points]) => ({ res: await limiter.get(key), points })));
  const blocked = states.filter((s) => s.res && s.res.consumedPoints >= s.points).map((s) => s.res as RateLimiterRes);
  return blocked.length ? Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000) : 0;
}

export async function recordLoginFailure(username: string, source: LoginSource): Promise<void> {
  await Promise.all(budgets(username, source).map(([limiter, key]) => limiter.penalty(key, 1)));
}

/** After a correct sign-in: that account's (or device's) failures are forgotten; the address budget is not. */
export async function clearLoginFailures(username: string, source: LoginSource): Promise<void> {
  const [[limiter, key]] = budgets(username, source);
  await limiter.delete(key);
}
