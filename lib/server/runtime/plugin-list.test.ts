import { describe, expect, it, vi } from "vitest";
import type { Registry } from "../../plugins/registry/registry";
import { pluginListBody } from "./plugin-list";

/** A registry stand-in: pluginListBody only calls list(). */
const fakeRegistry = () => ({ list: vi.fn(({ q }: { q?: string }) => [{ group: "计算 — Maths", q: q ?? null }]) });

describe("pluginListBody", () => {
  it("serialises the unfiltered list once per registry and locale, as UTF-8 bytes ready to send", () => {
    const registry = fakeRegistry();
    const first = pluginListBody(registry as unknown as Registry, 7, undefined, "en");
    expect(first.body).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(new TextDecoder().decode(first.body))).toEqual({ generation: 7, groups: [{ group: "计算 — Maths", q: null }] });
    expect(first.body.byteLength).toBe(Buffer.byteLength(JSON.stringify({ generation: 7, groups: [{ group: "计算 — Maths", q: null }] })));
    // The same bytes for the next request: nothing is serialised or encoded again.
    expect(pluginListBody(registry as unknown as Registry, 7, undefined, "en")).toBe(first);
    expect(registry.list).toHaveBeenCalledTimes(1);
    pluginListBody(registry as unknown as Registry, 7, undefined, "zh-CN");
    expect(registry.list).toHaveBeenCalledTimes(2);
  });

  it("builds a filtered list on every request, and gives another registry (generation) its own body and ETag", () => {
    const registry = fakeRegistry();
    const a = pluginListBody(registry as unknown as Registry, 7, "sum", undefined);
    const b = pluginListBody(registry as unknown as Registry, 7, "sum", undefined);
    expect(a).not.toBe(b);
    expect(a.etag).toBe(b.etag);
    const unfiltered = pluginListBody(registry as unknown as Registry, 7, undefined, undefined);
    expect(pluginListBody(fakeRegistry() as unknown as Registry, 8, undefined, undefined).etag).not.toBe(unfiltered.etag);
  });
});
