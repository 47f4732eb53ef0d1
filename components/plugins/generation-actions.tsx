"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useRef, useState, useTransition } from "react";
import { activateGenerationAction, generationImpactAction } from "@/app/(admin)/plugins/actions";
import { Alert, Button } from "@/components/ui";
import type { ActivationImpact } from "@/lib/server/generations/find-activation-impact";
import { ImpactLists } from "./impact-lists";

type Loaded = { state: "loading" } | { state: "error"; error: string } | { state: "ready"; impact: ActivationImpact };

/**
 * "Activate" on a ready generation, or "Roll back to generation N": opens a modal dialog (native <dialog>: focus
 * stays inside, Escape closes it, the title labels it) with what the activation would change — the same answer as
 * the API's dry run — and a confirm button that says what it does. Nothing changes until it is pressed.
 */
export function GenerationButton({ id, kind }: { id: number; kind: "activate" | "rollback" }) {
  const t = useTranslations("activationImpact");
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const label = kind === "rollback" ? t("rollbackTo", { id }) : t("activate");
  const confirmLabel = kind === "rollback" ? t("confirmRollback", { id }) : t("confirmActivate", { id });

  async function open() {
    setError(undefined);
    setLoaded({ state: "loading" });
    dialog.current?.showModal();
    const result = await generationImpactAction(id);
    setLoaded(result.ok ? { state: "ready", impact: result.data } : { state: "error", error: result.error });
  }

  const confirm = () =>
    start(async () => {
      setError(undefined);
      const result = await activateGenerationAction(id);
      if (!result.ok) return setError(result.error);
      dialog.current?.close();
      router.refresh();
    });

  const close = () => {
    if (!pending) dialog.current?.close();
  };

  return (
    <>
      <Button size="sm" variant={kind === "rollback" ? "secondary" : "primary"} aria-haspopup="dialog" onClick={open} data-testid={`${kind}-${id}`}>
        {label}
      </Button>
      <dialog
        ref={dialog}
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="activation-dialog"
        onCancel={(e) => {
          if (pending) e.preventDefault();
        }}
        onClick={(e) => {
          if (e.target === e.currentTarget) close();
        }}
        className="m-auto max-h-[85vh] w-[calc(100%-2rem)] max-w-2xl overflow-y-auto rounded-md border border-zinc-200 bg-white p-0 text-left text-zinc-900 shadow-lg backdrop:bg-zinc-900/40"
      >
        <div className="space-y-4 px-5 pt-5">
          <h2 id={titleId} className="text-base font-semibold">
            {kind === "rollback" ? t("titleRollback", { id }) : t("titleActivate", { id })}
          </h2>
          {loaded.state === "loading" && <p className="text-sm text-zinc-600" role="status">{t("loading")}</p>}
          {loaded.state === "error" && <Alert tone="error">{loaded.error}</Alert>}
          {loaded.state === "ready" && <ImpactLists impact={loaded.impact} />}
          {error && <Alert tone="error">{error}</Alert>}
        </div>
        <div className="sticky bottom-0 flex flex-wrap justify-end gap-2 border-t border-zinc-100 bg-white px-5 py-4">
          <Button variant="secondary" onClick={close} disabled={pending} autoFocus>
            {t("cancel")}
          </Button>
          <Button
            variant={loaded.state === "ready" && loaded.impact.processes.length ? "danger" : "primary"}
            onClick={confirm}
            loading={pending}
            disabled={loaded.state !== "ready"}
            data-testid="activation-confirm"
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
