import { useTranslations } from "next-intl";
export function Nested({ rows }: { rows: { id: string; ok: boolean }[] }) {
  const t = useTranslations("x");
  return (
    <select aria-label={t("pick")}>
      {rows.map((r) => {
        const span = r.ok ? "sm:col-span-2" : undefined;
        return (
          <optgroup key={r.id} label="Outputs" className={span}>
            <option>{r.ok ? t("yes") : "No"}</option>
            <option title={t("hint", { kind: "git" })}>Pending</option>
          </optgroup>
        );
      })}
    </select>
  );
}
