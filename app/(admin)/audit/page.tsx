import { getFormatter, getTranslations } from "next-intl/server";
import { Button, ButtonLink, EmptyState, Input, PageHeader, Select, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { AuditSummary } from "@/components/audit/audit-summary";
import { labels } from "@/lib/i18n/labels";
import { pageUser } from "@/lib/server/auth/page-guard";
import { AUDIT_TARGET_TYPES, findAuditEvents, ZAuditFilter } from "@/lib/server/audit/find-audit-events";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  if (!(await pageUser("admin"))) return null;
  const filter = ZAuditFilter.parse(await searchParams);
  const [t, tc, tl, format, events] = await Promise.all([getTranslations("audit"), getTranslations("common"), getTranslations("labels"), getFormatter(), findAuditEvents(filter)]);
  const l = labels(tl);
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} />
      {/* keyed by the filter: "Clear" navigates client-side, and the uncontrolled fields must reset */}
      <form key={`${filter.targetType}|${filter.target}`} method="get" className="flex flex-wrap items-end gap-3" role="search">
        <label className="space-y-1 text-sm">
          <span className="block font-medium text-zinc-800">{t("target")}</span>
          <Select name="targetType" defaultValue={filter.targetType ?? ""} className="w-44">
            <option value="">{t("targetAll")}</option>
            {AUDIT_TARGET_TYPES.map((ty) => (
              <option key={ty} value={ty}>{l.targetType(ty)}</option>
            ))}
          </Select>
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium text-zinc-800">{t("targetName")}</span>
          <Input name="target" defaultValue={filter.target ?? ""} className="w-56" />
        </label>
        <Button type="submit" variant="secondary">{tc("filter")}</Button>
        {(filter.targetType || filter.target) && <ButtonLink href="/audit" variant="ghost">{tc("clear")}</ButtonLink>}
      </form>
      {events.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("colTime")}</TH>
              <TH>{t("colActor")}</TH>
              <TH>{t("colAction")}</TH>
              <TH>{t("colTarget")}</TH>
              <TH>{t("colChanges")}</TH>
            </TR>
          </THead>
          <TBody>
            {events.map((e) => (
              <TR key={e.id}>
                <TD className="text-sm text-zinc-600 sm:whitespace-nowrap">
                  {format.dateTime(new Date(e.createdAt), { dateStyle: "medium", timeStyle: "medium" })}
                </TD>
                <TD className="text-sm">{l.actor(e.actor)}</TD>
                <TD className="whitespace-nowrap text-sm">{l.action(e.action)}</TD>
                <TD className="text-sm">
                  {l.targetType(e.targetType)}
                  {/* The target's name is data (a source, a user, a process), not the app's text: in <code> like the summaries' values. */}
                  {e.targetName && <> · <code className="text-xs">{l.targetName(e.targetType, e.targetName)}</code></>}
                </TD>
                <TD>
                  <AuditSummary summary={e.summary} />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
