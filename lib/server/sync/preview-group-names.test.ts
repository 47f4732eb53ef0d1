import { describe, expect, it } from "vitest";
import { textOf } from "../../plugins/contract";
import { previewGroupNames } from "./preview-group-names";

describe("previewGroupNames", () => {
  const ops = { en: "Operations", "zh-CN": "运维" };

  it("uses the serving registry's name for a code the picker knows", () => {
    const names = previewGroupNames([{ code: "OPS", name: "Operations" }], new Map([["OPS", ops]]));
    expect(textOf(names.get("OPS")!, "zh-CN")).toBe("运维");
  });

  it("else the per-language name one plugin gives, whichever comes first", () => {
    for (const order of [[{ code: "OPS", name: "Operations" }, { code: "OPS", name: ops }], [{ code: "OPS", name: ops }, { code: "OPS", name: "Ops" }]]) {
      expect(textOf(previewGroupNames(order, new Map()).get("OPS")!, "zh-CN")).toBe("运维");
    }
  });

  it("else the first name given; other codes are kept apart", () => {
    const names = previewGroupNames([{ code: "A", name: "Alpha" }, { code: "A", name: "Alef" }, { code: "B", name: "Beta" }], new Map());
    expect([names.get("A"), names.get("B")]).toEqual(["Alpha", "Beta"]);
  });
});
