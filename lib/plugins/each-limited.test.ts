import { describe, expect, it } from "vitest";
import { eachLimited } from "./each-limited";

describe("eachLimited", () => {
  it("runs at most `concurrency` at once and every item", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setImmediate(r));
      seen.push(n);
      running--;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("after the first failure starts nothing new, waits for the running ones, then throws that failure", async () => {
    const events: string[] = [];
    let releaseSlow!: () => void;
    const slow = new Promise<void>((r) => (releaseSlow = r));
    const done = eachLimited(["slow", "bad", "never"], 2, async (name) => {
      events.push(`start ${name}`);
      if (name === "bad") throw new Error("bad failed");
      if (name === "slow") await slow;
      events.push(`end ${name}`);
    });
    let settled = false;
    void done.catch(() => undefined).finally(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // "slow" is still running
    releaseSlow();
    await expect(done).rejects.toThrow("bad failed");
    expect(events).toEqual(["start slow", "start bad", "end slow"]);
  });
});
