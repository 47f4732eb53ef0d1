// @vitest-environment happy-dom
import { act } from "react";
import { NextIntlClientProvider } from "next-intl";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import en from "@/messages/en.json";
import type { SyncRunDetail } from "@/lib/server/sync/find-sync-runs";
import { settle, testRoot } from "@/lib/test/render";
import { SyncRunLive } from "./sync-run-live";

/**
 * The live run page polls GET /api/sync/runs/{id}?after=<last log id>. A response slower than the poll interval
 * must not show its log lines twice: a poll starts only when the previous one has finished.
 */

const line = (id: number) => ({ id, at: "2026-12-01T10:00:00.000Z", level: "info", source: null, message: `line ${id}`, key: null, params: null });
const run = (over: Partial<SyncRunDetail>): SyncRunDetail => ({
  id: "run-1",
  trigger: "admin",
  actor: "alice",
  status: "running",
  dryRun: false,
  onlySources: [],
  startedAt: "2026-12-01T10:00:00.000Z",
  finishedAt: null,
  error: null,
  generation: null,
  results: [],
  logs: [],
  ...over,
});

/** The server's answer for a cursor: the lines after it (of 1..3), still running. */
const answer = (after: number) => run({ logs: [1, 2, 3].filter((id) => id > after).map(line) });

let requests: { url: string; respond: () => void }[];
const t = testRoot();

beforeEach(() => {
  requests = [];
  t.open((url: string) => {
    const after = Number(new URL(url, "http://localhost").searchParams.get("after"));
    // Held until the test answers it: a slow server.
    return new Promise<Response>((resolve) => requests.push({ url, respond: () => resolve(Response.json(answer(after))) }));
  });
});
afterEach(() => t.close());

const shownLines = () => [...t.container.querySelectorAll('[data-testid="sync-log"] li')].map((li) => li.textContent?.replace(/^.*?(line \d+)$/, "$1"));

describe("SyncRunLive", () => {
  it("a poll slower than the interval shows each log line once", async () => {
    await act(async () => {
      t.root.render(
        <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
          <SyncRunLive initial={run({ logs: [line(1)] })} />
        </NextIntlClientProvider>,
      );
    });
    expect(shownLines()).toEqual(["line 1"]);
    // Three poll intervals pass while the first request is still unanswered.
    for (let i = 0; i < 3; i++) await act(async () => void vi.advanceTimersByTime(1000));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r.url).toMatch(/\/api\/sync\/runs\/run-1\?after=1$/);
    // The server answers every request it got; the page shows lines 2 and 3 once.
    const answered = requests.length;
    for (const r of requests) r.respond();
    await settle(() => shownLines().filter((l) => l === "line 3").length >= answered);
    expect(shownLines()).toEqual(["line 1", "line 2", "line 3"]);
    // The next poll asks for what follows the last line shown.
    await act(async () => void vi.advanceTimersByTime(1000));
    expect(requests.at(-1)!.url).toMatch(/\?after=3$/);
  });
});
