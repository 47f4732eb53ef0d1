// @vitest-environment happy-dom
import { act } from "react";
import { NextIntlClientProvider } from "next-intl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import type { LoadedSet } from "@/lib/plugins/loader/materialize";
import { testRoot } from "@/lib/test/render";
import { SetsCard } from "./sets-card";

/** The plugins page's sets: a failed set shows the version configured for it and its reason once; many fold. */

const t = testRoot();
beforeEach(() => t.open(() => Promise.reject(new Error("no fetch here"))));
afterEach(() => t.close());

const loaded = (submodule: string): LoadedSet =>
  ({ source: "src", submodule, dir: "/x", status: "loaded", entry: { version: "1.0.0", plugins: [] } }) as unknown as LoadedSet;

async function render(sets: LoadedSet[], configured: Map<string, string>) {
  const reason = 'import module "broken/missing.mjs" not found';
  await act(async () => {
    t.root.render(
      <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
        <SetsCard sets={sets} problems={[{ source: "src", set: "broken", status: "failed", reason }]} conflicts={[]} configured={configured} />
      </NextIntlClientProvider>,
    );
  });
  const text = t.container.textContent!;
  return { text, reasons: text.split(reason).length - 1 };
}

describe("SetsCard", () => {
  it("a failed set shows its configured version (not a dash) and its reason once", async () => {
    const { text, reasons } = await render([loaded("ok")], new Map([["src/broken", "2.0.0"]]));
    expect(text).toContain("2.0.0 (configured; nothing synced)");
    expect(reasons).toBe(1);
    expect(t.container.querySelector('[data-testid="problem-sets"]')!.textContent).toContain("src/broken");
  });

  it("many loaded sets fold into one line each; the failed one stays in the table", async () => {
    await render(Array.from({ length: 30 }, (_, i) => loaded(`set_${i}`)), new Map());
    const folded = t.container.querySelector<HTMLDetailsElement>('details[data-testid="loaded-sets"]')!;
    expect(folded.open).toBe(false);
    expect(folded.querySelectorAll("li")).toHaveLength(30);
    expect(folded.querySelector("summary")!.textContent).toBe("30 sets loaded without problems");
    expect(t.container.querySelector('[data-testid="problem-sets"]')!.textContent).toContain("—");
  });
});
