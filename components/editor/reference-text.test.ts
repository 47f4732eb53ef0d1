import { describe, expect, it } from "vitest";
import { withoutReference } from "./reference-text";

describe("removing a reference chip", () => {
  it("takes out the first reference to that output, spaces inside the braces or not, and nothing else", () => {
    expect(withoutReference("a {{nodes.n1.outputs.text}} b {{nodes.n1.outputs.text}}", "n1", "text")).toBe("a  b {{nodes.n1.outputs.text}}");
    expect(withoutReference("{{ nodes.n-1.outputs.len }}!", "n-1", "len")).toBe("!");
    expect(withoutReference("{{nodes.n1.outputs.textual}}", "n1", "text")).toBe("{{nodes.n1.outputs.textual}}");
    expect(withoutReference("{{nodes.n1x.outputs.text}}", "n1", "text")).toBe("{{nodes.n1x.outputs.text}}");
  });
});
