// @vitest-environment happy-dom
import { act } from "react";
import { NextIntlClientProvider } from "next-intl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { testRoot } from "@/lib/test/render";
import { OPEN_SETS_MAX, RunSets, type SetRow } from "./run-sets";

/** A sync run's sets: many collapse, failed ones stay open, a failed source's reason is shown once. */

const t = testRoot();
beforeEach(() => t.open(() => Promise.reject(new Error("no fetch here"))));
afterEach(() => t.close());

async function render(sets: SetRow[], error?: string) {
  await act(async () => {
    t.root.render(
      <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
        <RunSets sets={sets} error={error} />
      </NextIntlClientProvider>,
    );
  });
}

const ok = (n: number): SetRow[] => Array.from({ length: n }, (_, i) => ({ submodule: `set_${i}`, status: "fresh", plugins: 20 }));
const details = () => t.container.querySelector<HTMLDetailsElement>('[data-testid="run-sets"]')!;
const count = (text: string) => t.container.textContent!.split(text).length - 1;

describe("RunSets", () => {
  it("a few sets are listed open; many fold into a summary that counts them", async () => {
    await render(ok(OPEN_SETS_MAX));
    expect(details().open).toBe(true);
    await render(ok(50));
    expect(details().open).toBe(false);
    expect(details().querySelector("summary")!.textContent).toBe("50 sets, 1,000 plugins");
  });

  it("failed sets stay visible outside the folded list, each with its reason once", async () => {
    await render([...ok(49), { submodule: "broken", status: "failed", plugins: 0, error: "module custom/x.js not found" }]);
    expect(details().open).toBe(false);
    const failed = t.container.querySelector('[data-testid="failed-sets"]')!;
    expect(failed.textContent).toContain("broken");
    expect(count("module custom/x.js not found")).toBe(1);
  });

  it("a failed source's error is shown once, not again beside each of its sets", async () => {
    const reason = "git fetch failed: HTTP 404";
    await render([{ submodule: "a", status: "failed", plugins: 0, error: reason }, { submodule: "b", status: "carried_over", plugins: 3, error: reason }], reason);
    expect(count(reason)).toBe(1);
  });
});
