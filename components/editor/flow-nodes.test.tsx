// @vitest-environment happy-dom
import { act } from "react";
import { ReactFlowProvider, type NodeProps } from "@xyflow/react";
import { NextIntlClientProvider } from "next-intl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { testRoot } from "@/lib/test/render";
import { NodeDisplayContext, PluginNode, type NodeDisplay } from "./flow-nodes";

/** A node whose plugin left the generation shows "Missing" and not the last run's "Succeeded" beside it. */

const t = testRoot();
beforeEach(() => t.open(() => Promise.reject(new Error("no fetch here"))));
afterEach(() => t.close());

async function render(display: NodeDisplay) {
  await act(async () => {
    t.root.render(
      <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
        <ReactFlowProvider>
          <NodeDisplayContext.Provider value={new Map([["n1", display]])}>
            <PluginNode {...({ id: "n1", selected: false } as NodeProps)} />
          </NodeDisplayContext.Provider>
        </ReactFlowProvider>
      </NextIntlClientProvider>,
    );
  });
  return t.container.querySelector('[data-testid="node-n1"]')!.textContent;
}

describe("PluginNode", () => {
  it("shows the last run's status while the plugin is there, and only Missing once it is gone", async () => {
    const node = { title: "Greet", plugin: "cus_greet@1.0.0", problem: false, status: "succeeded" as const };
    expect(await render({ ...node, missing: false })).toContain(en.editor.status.succeeded);
    const gone = await render({ ...node, missing: true });
    expect(gone).toContain(en.editor.node.missing);
    expect(gone).not.toContain(en.editor.status.succeeded);
  });
});
