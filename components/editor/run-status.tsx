"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui";

const TONES = { pending: "neutral", queued: "neutral", running: "blue", succeeded: "green", failed: "red", skipped: "amber", cancelled: "amber" } as const;

/** A run's or a node's status as a coloured, translated badge. */
export function RunStatusBadge({ status }: { status: keyof typeof TONES }) {
  const t = useTranslations("editor.status");
  return <Badge tone={TONES[status]} data-status={status}>{t(status)}</Badge>;
}
