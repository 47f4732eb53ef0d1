import { Field } from "@/components/ui";
import { useTranslations } from "next-intl";
export function Demo({ ok }: { ok: boolean }) {
  const t = useTranslations("x");
  return (
    <div title={t("title")} aria-label="Main area">
      <p>Hello</p>
      <input placeholder="Search" />
      <input placeholder="https://git.example.com/team/plugins.git" />
      <input placeholder="/mnt/plugins" />
      <img alt={ok ? "Yes" : t("no")} />
      <span className="font-bold text-white">O</span>
      Opsflow
      + {t("add")} · — &nbsp;
      {ok && "Done"}
      <Field label={"Name"} htmlFor="name" hint={t("hint")}><input id="name" /></Field>
      <p>{t("a")} &amp; {t("b")}</p>
    </div>
  );
}
