import { describe, expect, it } from "vitest";
import { FairQueue } from "./fair-queue";

describe("FairQueue", () => {
  it("holds a user at the cap while others are served, then lets them go on", () => {
    const q = new FairQueue<string>(2);
    for (const i of [1, 2, 3]) q.push("a", `a${i}`);
    q.push("b", "b1");
    expect([q.take()?.item, q.take()?.item, q.take()?.item]).toEqual(["a1", "b1", "a2"]);
    expect(q.take()).toBeUndefined(); // a has 2 running: a3 waits although nothing else does
    expect(q.running("a")).toBe(2);
    q.done("a");
    expect(q.take()).toEqual({ user: "a", item: "a3" });
    expect(q.size).toBe(0);
  });

  it("removes waiting items that match", () => {
    const q = new FairQueue<number>(1);
    for (const n of [1, 2, 3, 4]) q.push(n % 2 ? "odd" : "even", n);
    expect(q.remove((n) => n > 2)).toEqual([3, 4]);
    expect(q.size).toBe(2);
    expect([q.take()?.item, q.take()?.item, q.take()]).toEqual([1, 2, undefined]);
  });
});
