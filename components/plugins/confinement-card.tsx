import { getTranslations } from "next-intl/server";
import { Badge, Card, CardBody, CardHeader } from "@/components/ui";
import type { Confinement } from "@/lib/plugins/host/confinement";

/** What plugin code can and cannot do on this instance (files, environment, processes, network). */
export async function ConfinementCard({ confinement }: { confinement: Confinement }) {
  const t = await getTranslations("plugins.confinement");
  const isolated = confinement.network === "isolated";
  const rows = [
    { key: "files", ok: true, text: t("filesOk") },
    { key: "environment", ok: true, text: t("environmentOk") },
    { key: "processes", ok: true, text: t("processesOk") },
    { key: "network", ok: isolated, text: isolated ? t("networkOk") : t("networkOpen", { reason: confinement.networkProblem ?? "" }) },
  ] as const;
  return (
    <Card data-testid="confinement">
      <CardHeader title={t("title")} description={t("summary", { flag: confinement.permissionFlag })} />
      <CardBody>
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[8rem_1fr]">
          {rows.map((r) => (
            <div key={r.key} className="contents">
              <dt className="font-medium text-zinc-700">{t(r.key)}</dt>
              <dd className="flex flex-wrap items-start gap-2 text-zinc-600">
                <Badge tone={r.ok ? "green" : "amber"}>{r.ok ? t("inForce") : t("degraded")}</Badge>
                <span className="min-w-0 flex-1">{r.text}</span>
              </dd>
            </div>
          ))}
        </dl>
      </CardBody>
    </Card>
  );
}
