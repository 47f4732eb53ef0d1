import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Failed sign-ins are limited per username+IP (brute force on one account) and per IP (spraying many accounts).
 * In-process memory: each instance counts on its own, so N instances allow N times the budget (see README limits).
 */
const perUserIp = new RateLimiterMemory({ keyPrefix: "login_user_ip", points: 5, duration: 15 * 60 });
const perIp = new RateLimiterMemory({ keyPrefix: "login_ip", points: 50, duration: 60 * 60 });

/** Seconds until the next attempt is allowed, or 0 if allowed now. */
export async function loginRetryAfter(username: string, ip: string): Promise<number> {
  const [a, b] = await Promise.all([perUserIp.get(`${username.toLowerCase()}|${ip}`), perIp.get(ip)]);
  const blocked = [a && a.consumedPoints >= 5 ? a : null, b && b.consumedPoints >= 50 ? b : null].filter(
    (r): r is RateLimiterRes => r !== null,
  );
  return blocked.length ? Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000) : 0;
}

export async function recordLoginFailure(username: string, ip: string): Promise<void> {
  await Promise.all([
    perUserIp.penalty(`${username.toLowerCase()}|${ip}`, 1),
    perIp.penalty(ip, 1),
  ]);
}

export async function clearLoginFailures(username: string, ip: string): Promise<void> {
  await perUserIp.delete(`${username.toLowerCase()}|${ip}`);
}
