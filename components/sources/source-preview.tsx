"use client";

import { useLocale, useTranslations } from "next-intl";
import { Alert, Badge, Card, CardBody, CardHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import type { SourcePreview } from "@/lib/server/sync/preview-source";
import { textOf } from "@/lib/plugins/contract";

/** Plugin text as the plugin gives it: a string, or the user's language from { en, "zh-CN" }. */
export const pluginText = textOf;

const TONE = { added: "green", changed: "amber", unchanged: "neutral" } as const;

/** What a dry run of the form's values found, relative to the active generation. */
export function SourcePreviewCard({ preview }: { preview: SourcePreview }) {
  const t = useTranslations("preview");
  const tp = useTranslations("sourcePolicy");
  const locale = useLocale();
  return (
    <Card data-testid="source-preview">
      <CardHeader title={t("title")} description={preview.revision ? t("revision", { revision: preview.revision.slice(0, 12) }) : undefined} />
      <CardBody className="space-y-4">
        {preview.problems.map((p) => (
          <Alert key={p.set + p.error} tone="error" title={p.set === "*" ? undefined : p.set}>{p.error}</Alert>
        ))}
        {preview.plugins.length > 0 && (
          <Table>
            <THead>
              <TR>
                <TH>{t("colPlugin")}</TH>
                <TH>{t("colGroup")}</TH>
                <TH>{t("colSet")}</TH>
                <TH>{t("colChange")}</TH>
              </TR>
            </THead>
            <TBody>
              {preview.plugins.map((p) => (
                <TR key={`${p.code}@${p.version}`}>
                  <TD>
                    <span className="font-medium">{textOf(p.name, locale)}</span>{" "}
                    <span className="font-mono text-xs text-zinc-500">{p.code}@{p.version}</span>
                  </TD>
                  <TD className="text-sm">{textOf(p.group.name, locale)} ({p.group.code})</TD>
                  <TD className="font-mono text-xs">{p.set}</TD>
                  <TD><Badge tone={TONE[p.change]}>{t(p.change)}</Badge></TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        {preview.removed.length > 0 && (
          <p className="text-sm text-zinc-700">
            {t("removed", { list: preview.removed.map((r) => `${r.code}@${r.version}`).join(", ") })}
          </p>
        )}
        {(preview.refused ?? []).length > 0 && (
          <p className="text-sm text-amber-800" data-testid="preview-refused">
            {tp("previewRefused", { list: preview.refused.map((r) => `${r.code}@${r.version}`).join(", ") })}
          </p>
        )}
        {preview.plugins.length === 0 && preview.problems.length === 0 && <p className="text-sm text-zinc-500">{t("none")}</p>}
      </CardBody>
    </Card>
  );
}
