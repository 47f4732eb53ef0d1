import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loginAction } from "@/app/actions/session";
import { DEVICE_COOKIE } from "@/lib/auth/device";
import { hashPassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { createTestDatabase } from "@/lib/test/database";
import { testCookies } from "@/lib/test/request";

/**
 * The sign-in rate limit slows guessing without letting an attacker lock the real user out: a per-address budget
 * never blocks a correct sign-in from another address, nor from a browser the user signed in from before (the
 * only way to tell users apart when every client has the same address: behind a proxy without TRUST_PROXY=1).
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
afterEach(() => {
  delete process.env.TRUST_PROXY;
  testCookies.ip = "203.0.113.7";
});

async function account(username: string) {
  await database.prisma.user.create({ data: { username, role: "admin", passwordHash: await hashPassword("the-right-password") } });
}
/** One attempt from a browser holding `cookies` (none: a new browser), seen from `ip`. */
async function attempt(username: string, password: string, ip: string, cookies: Record<string, string> = {}) {
  testCookies.clear();
  testCookies.ip = ip;
  for (const [name, value] of Object.entries(cookies)) testCookies.set(name, value);
  const result = await loginAction({ username, password });
  return { status: result.ok ? 200 : result.status, device: testCookies.get(DEVICE_COOKIE)?.value };
}

describe("the sign-in rate limit", () => {
  it("behind a trusted proxy: an address that used up its budgets cannot lock out a correct sign-in from another", async () => {
    process.env.TRUST_PROXY = "1";
    await account("alice");
    const attacker = "198.51.100.66";
    // Guessing alice's password uses up her budget at that address; spraying other names, the address's own.
    for (let i = 0; i < 5; i++) expect((await attempt("alice", `guess${i}`, attacker)).status).toBe(401);
    expect((await attempt("alice", "the-right-password", attacker)).status).toBe(429);
    for (let i = 0; i < 45; i++) expect((await attempt(`nobody${i}`, "guess", attacker)).status).toBe(401);
    expect((await attempt("nobody-else", "guess", attacker)).status).toBe(429);
    expect((await attempt("alice", "the-right-password", "192.0.2.10")).status).toBe(200);
  });

  it("without TRUST_PROXY (one address for all): the user's known browser still signs in; new browsers wait", async () => {
    await account("bob");
    const known = await attempt("bob", "the-right-password", "direct");
    expect(known).toMatchObject({ status: 200, device: expect.any(String) });
    // Someone else, at the same (only) address, fails on bob until the address budgets are used up.
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await attempt("bob", `guess${i}`, "direct")).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect((await attempt("bob", "the-right-password", "direct")).status).toBe(429); // a new browser
    expect((await attempt("bob", "the-right-password", "direct", { [DEVICE_COOKIE]: known.device! })).status).toBe(200);
  });

  it("counts a known browser's failures on its own budget, and its cookie is only good for its user", async () => {
    await account("carol");
    await account("dave");
    const { device } = await attempt("carol", "the-right-password", "direct");
    const withDevice = { [DEVICE_COOKIE]: device! };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await attempt("carol", `guess${i}`, "direct", withDevice)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect((await attempt("carol", "the-right-password", "direct", withDevice)).status).toBe(429);
    // Carol's device cookie says nothing about dave: his attempts from that browser count as a new browser's.
    process.env.TRUST_PROXY = "1";
    expect((await attempt("dave", "the-right-password", "192.0.2.77", withDevice)).status).toBe(200);
    expect(testCookies.get(SESSION_COOKIE)).toBeDefined();
  });
});
