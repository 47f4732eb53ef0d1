// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { NextIntlClientProvider } from "next-intl";
import { afterEach, describe, expect, it } from "vitest";
import { catalogs, type Locale } from "@/lib/i18n";
import type { StoredSyncLog } from "@/lib/i18n/sync-log-text";
import { SyncLogText } from "./sync-log-text";

/** The run page's log line, rendered as the reader's language says; a remote's error stays text, never markup. */

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function render(locale: Locale, line: StoredSyncLog): Promise<HTMLElement> {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  const container = document.createElement("p");
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <NextIntlClientProvider locale={locale} messages={catalogs[locale]} timeZone="UTC">
        <SyncLogText line={line} />
      </NextIntlClientProvider>,
    );
  });
  cleanup = () => {
    act(() => root.unmount());
    container.remove();
  };
  return container;
}

const finished = { key: "finished", params: { status: "partial", synced: 1, total: 2, clashes: 0 }, message: "sync finished: partial (1 of 2 source(s) synced, 0 clash(es))" };

describe("SyncLogText", () => {
  it("renders a keyed line in Chinese, its status word included", async () => {
    expect((await render("zh-CN", finished)).textContent).toBe("同步结束：部分成功（2 个插件源中 1 个已同步，0 处冲突）");
  });

  it("renders the same line in English", async () => {
    expect((await render("en", finished)).textContent).toBe(finished.message);
  });

  it("a row stored before keys (message only) shows its message", async () => {
    expect((await render("zh-CN", { key: null, params: null, message: "fs: 3 files / 3388 bytes copied in 19 ms" })).textContent).toBe("fs: 3 files / 3388 bytes copied in 19 ms");
  });

  it("an unknown key, or parameters that are not plain values, fall back to the message", async () => {
    expect((await render("zh-CN", { key: "fromANewerVersion", params: {}, message: "english line" })).textContent).toBe("english line");
    expect((await render("zh-CN", { key: "sourceFailed", params: { reason: { nested: true } }, message: "source failed: x" })).textContent).toBe("source failed: x");
  });

  it("a hostile reason from a remote stays text (no element, no ICU markup is interpreted)", async () => {
    const reason = `<img src=x onerror="alert(1)"> {status} <b>bold</b>`;
    const el = await render("zh-CN", { key: "sourceFailed", params: { reason }, message: "" });
    expect(el.textContent).toBe(`插件源失败：${reason}`);
    expect(el.querySelector("img, b")).toBeNull();
  });
});
