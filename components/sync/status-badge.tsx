import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui";

const TONES = { running: "blue", succeeded: "green", unchanged: "neutral", reused: "green", partial: "amber", failed: "red", fresh: "green", carried_over: "amber", loaded: "green", synced: "green", integrity_failed: "red" } as const;

/** A run's, source's or set's status as a coloured, translated badge. */
export function StatusBadge({ status }: { status: string }) {
  const t = useTranslations("syncStatus");
  const tone = TONES[status as keyof typeof TONES] ?? "neutral";
  return <Badge tone={tone}>{t.has(status as never) ? t(status as never) : status}</Badge>;
}
