// @vitest-environment happy-dom
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ActivationFollower } from "./activation-follower";

/**
 * The plugins page follows a switch: while this instance loads or waits to load the active generation it polls
 * /api/ready and re-renders the page when `checks.activation` moves on; otherwise it asks nothing.
 */
const refresh = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh }) }));

let root: Root;
let container: HTMLElement;
let answers: (string | undefined)[];
let asked: string[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  refresh.mockClear();
  asked = [];
  vi.stubGlobal("fetch", async (url: string) => {
    asked.push(url);
    const activation = answers.shift();
    return Response.json({ status: "ready", checks: { generation: "ok", ...(activation ? { activation } : {}) } });
  });
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Lets answers be read and React render, until `done` holds (a bounded number of turns, no clock involved). */
async function settle(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) await act(() => new Promise<void>((resolve) => setImmediate(resolve)));
}

describe("ActivationFollower", () => {
  it("while pending, polls /api/ready and refreshes the page once the instance serves the active generation", async () => {
    answers = ["pending", "pending", undefined];
    await act(async () => root.render(<ActivationFollower state="pending" />));
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
    await act(async () => root.render(<ActivationFollower state="current" />));
    await act(async () => void vi.advanceTimersByTime(3000));
    await settle(() => false);
    expect(asked).toEqual([]);
  });
});
