import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui";
import type { SourceView } from "@/lib/server/sources/source-view";
import type { SourceSyncTimes } from "@/lib/server/sync/find-sync-times";

type Props = { source: Pick<SourceView, "enabled" | "policy" | "schedule"> };

/**
 * A source's schedule: its interval, the next sync's time, and the last attempt and last success of any sync of it
 * (`times`, from the run history) or, failing those, of the scheduler's (list and page).
 */
export function SourceSchedule({ source, times, wide = false }: Props & { times?: SourceSyncTimes; wide?: boolean }) {
  const t = useTranslations("sourcePolicy");
  const format = useFormatter();
  const { policy, schedule } = source;
  const latest = (a: string | null | undefined, b: string | null) => (a && (!b || a > b) ? a : b);
  const lastAttemptAt = latest(times?.lastAttemptAt, schedule.lastAttemptAt);
  const lastSuccessAt = latest(times?.lastSuccessAt, schedule.lastSuccessAt);
  const when = (iso: string | null) => (iso ? format.relativeTime(new Date(iso)) : t("never"));
  /** The exact time on hover. */
  const exact = (iso: string | null) => (iso ? format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "medium" }) : undefined);
  const scheduled = source.enabled && policy.syncIntervalMinutes !== null;
  return (
    <div className={wide ? "flex flex-wrap gap-x-6 gap-y-1 text-sm text-zinc-600" : "flex flex-col gap-0.5 text-xs text-zinc-500"} data-testid="source-schedule">
      <span className="font-medium text-zinc-700">
        {policy.syncIntervalMinutes === null ? t("notScheduled") : t("every", { minutes: policy.syncIntervalMinutes })}
      </span>
      {scheduled && (
        <span data-testid="next-sync" title={exact(schedule.nextSyncAt)}>
          {schedule.nextSyncAt ? t("nextSync", { at: when(schedule.nextSyncAt) }) : t("nextSyncPending")}
        </span>
      )}
      {(scheduled || lastAttemptAt) && (
        <>
          <span title={exact(lastAttemptAt)}>{t("lastAttempt", { at: when(lastAttemptAt) })}</span>
          <span title={exact(lastSuccessAt)}>{t("lastSuccess", { at: when(lastSuccessAt) })}</span>
        </>
      )}
      {schedule.failures > 0 && <span className="text-amber-700">{t("failures", { count: schedule.failures })}</span>}
    </div>
  );
}

/** The activation policy as a badge, with the sizes of the allow and deny lists. */
export function SourcePolicyBadges({ source }: Props) {
  const t = useTranslations("sourcePolicy");
  const { policy } = source;
  return (
    <span className="flex flex-wrap items-center gap-1" data-testid="source-policy">
      <Badge tone={policy.activationPolicy === "never" ? "amber" : policy.activationPolicy === "clean" ? "indigo" : "green"} title={t(`policy_${policy.activationPolicy}`)}>
        {t(`policyShort_${policy.activationPolicy}`)}
      </Badge>
      {policy.allowPlugins.length > 0 && <Badge title={policy.allowPlugins.join("\n")}>{t("allowCount", { count: policy.allowPlugins.length })}</Badge>}
      {policy.denyPlugins.length > 0 && <Badge tone="red" title={policy.denyPlugins.join("\n")}>{t("denyCount", { count: policy.denyPlugins.length })}</Badge>}
    </span>
  );
}
