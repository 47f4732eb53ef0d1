"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { Button, Input } from "@/components/ui";

/** The editor's top bar: back, the process name, save state, run history, Save and Run (disabled for viewers, and with the reason while the process has problems). */
export function EditorToolbar(props: {
  processId: string;
  name: string;
  nameError?: string;
  onNameChange: (name: string) => void;
  saveState: string;
  readOnly: boolean;
  saving: boolean;
  starting: boolean;
  running: boolean;
  /** Why the process cannot run now (its first problem); Run is disabled and this is shown beside it. */
  runBlocked?: string;
  onSave: () => void;
  onRun: () => void;
}) {
  const t = useTranslations("editor");
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Link href="/editor" className="text-sm text-indigo-700 hover:underline">{t("back")}</Link>
      <div className="min-w-64 flex-1">
        <Input
          aria-label={t("nameLabel")}
          aria-invalid={props.nameError ? true : undefined}
          className="text-base font-semibold"
          value={props.name}
          onChange={(e) => props.onNameChange(e.target.value)}
        />
        {props.nameError && <p role="alert" className="mt-1 text-sm text-red-600">{props.nameError}</p>}
      </div>
      <span className="text-sm text-zinc-500" data-testid="save-state">{props.saveState}</span>
      <Link href={`/editor/${props.processId}/runs`} className="text-sm text-indigo-700 hover:underline">{t("history")}</Link>
      <Button variant="secondary" loading={props.saving} disabled={props.readOnly} onClick={props.onSave} aria-keyshortcuts="Control+S">{props.saving ? t("saving") : t("save")}</Button>
      <Button loading={props.starting} disabled={props.readOnly || props.running || !!props.runBlocked} onClick={props.onRun} aria-describedby={props.runBlocked ? "run-blocked" : undefined}>
        {props.running ? t("running") : t("run")}
      </Button>
      {props.runBlocked && !props.readOnly && (
        <p id="run-blocked" className="basis-full text-right text-sm text-amber-800" data-testid="run-blocked">{props.runBlocked}</p>
      )}
    </div>
  );
}
