import Link from "next/link";
import { useTranslations } from "next-intl";
import { Card, CardBody, CardHeader } from "@/components/ui";
import type { PluginUser } from "@/lib/server/processes/find-plugin-users";

/** "Used by N saved processes", each linking to the editor. */
export function PluginUsers({ users }: { users: PluginUser[] }) {
  const t = useTranslations("pluginPage");
  return (
    <Card data-testid="plugin-users">
      <CardHeader title={t("usedBy", { count: users.length })} />
      {users.length > 0 && (
        <CardBody>
          <ul className="max-h-72 space-y-1 overflow-y-auto text-sm">
            {users.map((u) => (
              <li key={u.id} className="flex flex-wrap items-baseline gap-x-2">
                <Link href={`/editor/${u.id}`} className="font-medium text-indigo-700 hover:underline">{u.name}</Link>
                <span className="text-xs text-zinc-600">{t("usedByVersions", { versions: u.versions.join(", ") })}</span>
                {u.owner && <span className="text-xs text-zinc-500">{t("owner", { owner: u.owner })}</span>}
              </li>
            ))}
          </ul>
        </CardBody>
      )}
    </Card>
  );
}
