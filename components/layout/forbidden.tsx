import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui";

/** Shown (with the shell) when a member opens an admin page. */
export async function Forbidden({ username }: { username: string }) {
  const t = await getTranslations("errors");
  return (
    <Alert tone="warning" title={t("forbidden")} data-testid="forbidden">
      {t("forbiddenBody", { username })}
    </Alert>
  );
}
