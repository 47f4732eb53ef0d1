import { describe, expect, it } from "vitest";
import { findClashes } from "./clashes";

const d = (code: string, version: string) => ({ code, version });

describe("findClashes", () => {
  it("is empty without clashes (same code, other version, is no clash)", () => {
    expect(findClashes([])).toEqual([]);
    expect(
      findClashes([
        { key: "a/x", descriptors: [d("p", "1"), d("q", "1")] },
        { key: "b/y", descriptors: [d("p", "2")] },
      ]),
    ).toEqual([]);
  });

  it("reports every code+version provided by more than one set, sorted, each set once", () => {
    expect(
      findClashes([
        { key: "s1/a", descriptors: [d("zeta", "1.0.0"), d("alpha", "2.0.0"), d("alpha", "2.0.0")] },
        { key: "s2/b", descriptors: [d("alpha", "2.0.0"), d("alpha", "1.0.0")] },
        { key: "s3/c", descriptors: [d("zeta", "1.0.0"), d("alpha", "2.0.0"), d("alpha", "1.0.0")] },
        { key: "s4/d", descriptors: [d("solo", "1")] },
      ]),
    ).toEqual([
      { code: "alpha", version: "1.0.0", sets: ["s2/b", "s3/c"] },
      { code: "alpha", version: "2.0.0", sets: ["s1/a", "s2/b", "s3/c"] },
      { code: "zeta", version: "1.0.0", sets: ["s1/a", "s3/c"] },
    ]);
  });

  it("does not count a duplicate within one set as a clash", () => {
    expect(findClashes([{ key: "s/a", descriptors: [d("p", "1"), d("p", "1")] }])).toEqual([]);
  });

  it("finds the clash between the example set and a copy of it", () => {
    const example = [d("cus_test_1", "1.0.0"), d("cus_greet", "1.0.0")];
    expect(
      findClashes([
        { key: "demo/custom_plugins", descriptors: example },
        { key: "mirror/custom_plugins", descriptors: [example[1]] },
      ]),
    ).toEqual([{ code: "cus_greet", version: "1.0.0", sets: ["demo/custom_plugins", "mirror/custom_plugins"] }]);
  });
});
