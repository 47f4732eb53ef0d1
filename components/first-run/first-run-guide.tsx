import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ButtonLink, cn } from "@/components/ui";
import { SyncNowButton } from "@/components/sync/sync-now-button";
import type { FirstRunState } from "@/lib/server/first-run/first-run-state";

/**
 * The first-run guide on an empty install (no source, or no successful sync yet): add a source → sync → open the
 * editor, each step ticked once done, the next one's action beside it. It goes away once there is a process.
 */
export async function FirstRunGuide({ state }: { state: FirstRunState }) {
  if (!state.show) return null;
  const t = await getTranslations("firstRun");
  const steps = [
    { key: "source", done: state.hasSource, title: t("sourceTitle"), body: t("sourceBody"), action: <ButtonLink href="/sources/new" size="sm">{t("sourceAction")}</ButtonLink> },
    {
      key: "sync",
      done: state.synced,
      title: t("syncTitle"),
      body: state.syncing ? t("syncRunning") : t("syncBody"),
      action: state.syncing ? <Link href="/sync" className="text-sm text-indigo-700 hover:underline">{t("syncWatch")}</Link> : <SyncNowButton running={false} />,
    },
    { key: "editor", done: state.hasProcess, title: t("editorTitle"), body: t("editorBody"), action: <ButtonLink href="/editor" size="sm">{t("editorAction")}</ButtonLink> },
  ];
  // The step to do now: the first not done.
  const next = steps.findIndex((s) => !s.done);
  return (
    <section aria-labelledby="first-run-title" className="rounded-lg border border-indigo-200 bg-indigo-50/60 p-4 sm:p-5" data-testid="first-run">
      <h2 id="first-run-title" className="text-base font-semibold text-zinc-900">{t("title")}</h2>
      <p className="mt-1 text-sm text-zinc-600">{t("description")}</p>
      <ol className="mt-4 space-y-3">
        {steps.map((s, i) => (
          <li key={s.key} data-testid={`first-run-${s.key}`} data-done={s.done || undefined} className={cn("flex flex-wrap items-start gap-3 rounded-md border bg-white p-3", i === next ? "border-indigo-300" : "border-zinc-200")}>
            <span
              aria-hidden="true"
              className={cn("flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold", s.done ? "bg-green-600 text-white" : i === next ? "bg-indigo-600 text-white" : "bg-zinc-200 text-zinc-600")}
            >
              {s.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0 flex-1 basis-48">
              <p className="text-sm font-medium text-zinc-900">
                {s.title}
                <span className="sr-only"> {s.done ? t("done") : t("todo")}</span>
              </p>
              <p className="text-sm text-zinc-600">{s.done ? t("doneBody") : s.body}</p>
            </div>
            {i === next && <div className="shrink-0">{s.action}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
