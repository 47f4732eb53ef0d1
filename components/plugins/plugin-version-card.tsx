import { useTranslations } from "next-intl";
import { StatusBadge } from "@/components/sync/status-badge";
import { Badge, Card, CardBody, CardHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import type { LoadedSet } from "@/lib/plugins/loader/materialize";
import { textOf, type RegistryPlugin } from "@/lib/plugins/registry/registry";

/** One version of a plugin: where it comes from, its inputs and its outputs. */
export function PluginVersionCard({ plugin: p, latest, set, locale }: { plugin: RegistryPlugin; latest: boolean; set?: LoadedSet; locale: string }) {
  const t = useTranslations("pluginPage");
  const dl = "grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm";
  return (
    <Card data-testid={`plugin-version-${p.version}`}>
      <CardHeader title={t("version", { version: p.version })} actions={latest ? <Badge tone="indigo">{t("latest")}</Badge> : undefined} />
      <CardBody className="space-y-4">
        <dl className={dl}>
          <dt className="text-zinc-500">{t("group")}</dt>
          <dd>{textOf(p.group.name, locale)} ({p.group.code})</dd>
          {p.set === null ? (
            <>
              <dt className="text-zinc-500">{t("source")}</dt>
              <dd>{t("builtin")}</dd>
            </>
          ) : (
            <>
              <dt className="text-zinc-500">{t("source")}</dt>
              <dd className="font-mono text-xs">{p.source}</dd>
              <dt className="text-zinc-500">{t("set")}</dt>
              <dd className="font-mono text-xs">{p.set}{set && <> · {set.entry.version}</>}</dd>
              <dt className="text-zinc-500">{t("revision")}</dt>
              <dd className="break-all font-mono text-xs">{set?.entry.revision ?? "—"}</dd>
              <dt className="text-zinc-500">{t("module")}</dt>
              <dd className="break-all font-mono text-xs">{p.module}</dd>
              {set && (
                <>
                  <dt className="text-zinc-500">{t("status")}</dt>
                  <dd><StatusBadge status={set.status} /></dd>
                </>
              )}
            </>
          )}
        </dl>
        <FieldTable title={t("inputs")} empty={t("noInputs")} fields={p.inputs} locale={locale} />
        <FieldTable title={t("outputs")} empty={t("noOutputs")} fields={p.outputs} locale={locale} />
      </CardBody>
    </Card>
  );
}

/** A plugin's inputs or outputs: key, label (with "required" for inputs that are) and type. */
function FieldTable({ title, empty, fields, locale }: { title: string; empty: string; fields: RegistryPlugin["inputs"] | RegistryPlugin["outputs"]; locale: string }) {
  const t = useTranslations("pluginPage");
  return (
    <section>
      <h3 className="mb-1 text-sm font-medium">{title}</h3>
      {fields.length === 0 ? (
        <p className="text-sm text-zinc-500">{empty}</p>
      ) : (
        <Table>
          <THead>
            <TR><TH>{t("colKey")}</TH><TH>{t("colLabel")}</TH><TH>{t("colType")}</TH></TR>
          </THead>
          <TBody>
            {fields.map((f) => (
              <TR key={f.key}>
                <TD className="font-mono text-xs">{f.key}</TD>
                <TD className="text-sm">{textOf(f.label, locale)} {"required" in f && f.required && <Badge tone="amber">{t("required")}</Badge>}</TD>
                <TD className="font-mono text-xs">{f.type}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </section>
  );
}
