import { useTranslations } from "next-intl";
export function Nested({ rows }: { rows: { id: string; ok: boolean }[] }) {
  const t = useTranslations("x");
  return (
    <select aria-label={t("pick")}>
      {rows.map((r) => (
        <optgroup key={r.id} label="Outputs">
          <option>{r.ok ? t("yes") : "No"}</option>
          <option>Pending</option>
        </optgroup>
      ))}
    </select>
  );
}
