import { describe, expect, it } from "vitest";
import { defaultText } from "./input-form";

/** "默认值：calm。" beside a select showing "平静" was the stored value, not what the select shows. */
describe("defaultText", () => {
  const mood = { default: "calm", options: [{ value: "calm", label: { en: "Calm", "zh-CN": "平静" } }, { value: "loud", label: "Loud" }] };

  it("a select's default is its option's label, in the reader's language", () => {
    expect(defaultText(mood, "zh-CN")).toBe("平静");
    expect(defaultText(mood, "en")).toBe("Calm");
    expect(defaultText({ ...mood, default: "loud" }, "zh-CN")).toBe("Loud");
  });

  it("other defaults as they are (numbers, JSON), and a default no option has", () => {
    expect(defaultText({ default: 3 }, "zh-CN")).toBe("3");
    expect(defaultText({ default: { a: 1 } }, "en")).toBe('{"a":1}');
    expect(defaultText({ ...mood, default: "gone" }, "en")).toBe("gone");
  });
});
