import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { vi } from "vitest";

/**
 * A React root in happy-dom for a component test (the file says `// @vitest-environment happy-dom`), with fake
 * timers for SWR's polling and `fetch` stubbed by the test. Call `open()` in beforeEach and `close()` in afterEach.
 */
export function testRoot() {
  let root: Root;
  let container: HTMLElement;
  return {
    get root() {
      return root;
    },
    get container() {
      return container;
    },
    open(fetch: (url: string) => Promise<Response>) {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
      (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
      vi.stubGlobal("fetch", fetch);
      container = document.createElement("div");
      document.body.append(container);
      root = createRoot(container);
    },
    close() {
      act(() => root.unmount());
      container.remove();
      vi.unstubAllGlobals();
      vi.useRealTimers();
    },
  };
}

/** Lets answers be read and React render, until `done` holds (a bounded number of turns, no clock involved). */
export async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await act(() => new Promise<void>((resolve) => setImmediate(resolve)));
}
