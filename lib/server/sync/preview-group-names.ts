import type { TText } from "../../plugins/contract";

/**
 * The name Preview shows for each group: the one the picker shows (the serving registry's, `serving`), else the
 * first per-language name ({ en, "zh-CN" }) a previewed plugin gives for the code, else the first name given. A
 * group's translation given by one plugin is used for all of them, as in the picker, rather than each plugin's own
 * English ("Operations (OPS)" where the group is "运维").
 */
export function previewGroupNames(groups: { code: string; name: TText }[], serving: ReadonlyMap<string, TText>): Map<string, TText> {
  const out = new Map<string, TText>();
  for (const { code, name } of groups) {
    const serve = serving.get(code);
    const seen = out.get(code);
    if (serve !== undefined) out.set(code, serve);
    else if (seen === undefined || (typeof seen === "string" && typeof name !== "string")) out.set(code, name);
  }
  return out;
}
