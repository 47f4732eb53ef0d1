// @vitest-environment happy-dom
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { settle, testRoot } from "@/lib/test/render";
import { ActivationFollower } from "./activation-follower";

/**
 * The plugins page follows a switch: while this instance loads or waits to load the active generation it polls
 * /api/ready and re-renders the page when `checks.activation` moves on; otherwise it asks nothing.
 */
const refresh = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh }) }));

let answers: (string | undefined)[];
let asked: string[];
const t = testRoot();

beforeEach(() => {
  refresh.mockClear();
  asked = [];
  t.open(async (url: string) => {
    asked.push(url);
    const activation = answers.shift();
    return Response.json({ status: "ready", checks: { generation: "ok", ...(activation ? { activation } : {}) } });
  });
});
afterEach(() => t.close());

describe("ActivationFollower", () => {
  it("while pending, polls /api/ready and refreshes the page once the instance serves the active generation", async () => {
    answers = ["pending", "pending", undefined];
    await act(async () => t.root.render(<ActivationFollower state="pending" />));
    await settle(() => asked.length >= 1);
    expect(refresh).not.toHaveBeenCalled();
    await act(async () => void vi.advanceTimersByTime(1000));
    await settle(() => asked.length >= 2);
    expect(refresh).not.toHaveBeenCalled();
    await act(async () => void vi.advanceTimersByTime(1000));
    await settle(() => refresh.mock.calls.length > 0);
    expect(asked).toEqual(["/api/ready", "/api/ready", "/api/ready"]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("asks nothing while the instance serves the active generation", async () => {
    answers = [];
    await act(async () => t.root.render(<ActivationFollower state="current" />));
    await act(async () => void vi.advanceTimersByTime(3000));
    await settle(() => false);
    expect(asked).toEqual([]);
  });
});
