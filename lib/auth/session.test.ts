import { afterEach, describe, expect, it, vi } from "vitest";
import * as iron from "iron-session";
import { testCookies } from "../test/request";
import { deriveKey } from "../secrets";
import { SESSION_COOKIE, sealExpiry, readSession } from "./session";

// Counts the real unseals behind readSession.
vi.mock("iron-session", async (importOriginal) => {
  const actual = await importOriginal<typeof import("iron-session")>();
  return { ...actual, unsealData: vi.fn(actual.unsealData) };
});
const unseals = vi.mocked(iron.unsealData);

const password = () => deriveKey("session").toString("base64url");
const signIn = async (userId: string, ttl?: number) => {
  const seal = await iron.sealData({ userId }, { password: password(), ttl });
  testCookies.set(SESSION_COOKIE, seal);
  return seal;
};

describe("readSession", () => {
  afterEach(() => {
    vi.useRealTimers();
    testCookies.clear();
    unseals.mockClear();
  });

  it("unseals a cookie once, then answers from memory", async () => {
    await signIn("u1");
    expect((await readSession())?.userId).toBe("u1");
    expect((await readSession())?.userId).toBe("u1");
    expect(unseals).toHaveBeenCalledTimes(1);
  });

  it("answers undefined without a cookie, and for a forged one every time (nothing kept)", async () => {
    expect(await readSession()).toBeUndefined();
    const other = await iron.sealData({ userId: "u2" }, { password: "another-password-another-password-123" });
    testCookies.set(SESSION_COOKIE, other);
    expect(await readSession()).toBeUndefined();
    expect(await readSession()).toBeUndefined();
    expect(unseals).toHaveBeenCalledTimes(2);
  });

  it("never answers from memory past the seal's expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const seal = await signIn("u3", 30);
    expect(sealExpiry(seal)).toBe(Date.now() + 30_000);
    expect((await readSession())?.userId).toBe("u3");
    vi.setSystemTime(Date.now() + 30_000);
    // Iron itself still accepts the seal for its clock skew (a minute): the memo does not, so it asks again.
    expect((await readSession())?.userId).toBe("u3");
    expect(unseals).toHaveBeenCalledTimes(2);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await readSession()).toBeUndefined();
  });

  it("keeps an entry no longer than a minute even when the seal lives longer", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await signIn("u4");
    await readSession();
    vi.setSystemTime(Date.now() + 60_000);
    await readSession();
    expect(unseals).toHaveBeenCalledTimes(2);
  });

  it("reads the session version sealed at sign-in; a cookie from before versions existed is version 0", async () => {
    testCookies.set(SESSION_COOKIE, await iron.sealData({ userId: "u5", v: 3 }, { password: password() }));
    expect(await readSession()).toEqual({ userId: "u5", version: 3 });
    await signIn("u6");
    expect(await readSession()).toEqual({ userId: "u6", version: 0 });
  });

  it("reads the expiry of a seal, and none from a seal without one or from garbage", () => {
    expect(sealExpiry("Fe26.2*1*s*iv*data*1700000000000*hs*hmac~2")).toBe(1_700_000_000_000);
    expect(sealExpiry("Fe26.2*1*s*iv*data**hs*hmac~2")).toBeUndefined();
    expect(sealExpiry("garbage")).toBeUndefined();
  });
});
