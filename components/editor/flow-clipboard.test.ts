import { describe, expect, it } from "vitest";
import type { FlowEdge, FlowNode } from "./flow-graph";
import { copySelection, pasteClipboard } from "./flow-clipboard";

const plugin = (id: string, inputs: Record<string, unknown>, selected = true): FlowNode => ({ id, type: "plugin", position: { x: 10, y: 20 }, data: { code: "cus_test_1", version: "1.0.0", inputs }, selected });
const start: FlowNode = { id: "start", type: "start", position: { x: 0, y: 0 }, data: {}, selected: true };
const e = (source: string, target: string): FlowEdge => ({ id: `e-${source}-${target}`, source, target });

describe("copy and paste", () => {
  const nodes = [start, plugin("a", { message: "hi" }), plugin("b", { message: "{{nodes.a.outputs.echo}} and {{ nodes.z.outputs.x }}", extra: { deep: ["{{nodes.a.outputs.length}}"] } }), plugin("z", {}, false)];
  const edges = [e("start", "a"), e("a", "b"), e("z", "b")];

  it("copies the selected plugin nodes (never Start or End) and only the edges among them", () => {
    const clip = copySelection(nodes, edges)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(clip.edges.map((x) => [x.source, x.target])).toEqual([["a", "b"]]);
    expect(copySelection([start], [])).toBeNull();
  });

  it("pastes with new ids, offset, inputs kept, references to copied nodes pointing at the copies", () => {
    const clip = copySelection(nodes, edges)!;
    let i = 0;
    const seq = [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const out = pasteClipboard(clip, nodes.map((n) => n.id), { x: 40, y: 40 }, () => seq[i++ % seq.length]);
    const [a2, b2] = out.nodes;
    expect(a2.id).not.toBe("a");
    expect(b2.id).not.toBe(a2.id);
    expect(nodes.map((n) => n.id)).not.toContain(a2.id);
    expect(a2.position).toEqual({ x: 50, y: 60 });
    expect(a2.selected).toBe(true);
    expect(a2.type === "plugin" && a2.data.inputs).toEqual({ message: "hi" });
    expect(b2.type === "plugin" && b2.data.inputs).toEqual({ message: `{{nodes.${a2.id}.outputs.echo}} and {{ nodes.z.outputs.x }}`, extra: { deep: [`{{nodes.${a2.id}.outputs.length}}`] } });
    expect(out.edges).toEqual([{ id: `e-${a2.id}-${b2.id}`, source: a2.id, target: b2.id }]);
    // The clipboard itself is untouched (a second paste starts from the same copy).
    expect(clip.nodes[1].type === "plugin" && clip.nodes[1].data.inputs.message).toBe("{{nodes.a.outputs.echo}} and {{ nodes.z.outputs.x }}");
  });
});
