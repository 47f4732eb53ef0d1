/**
 * Words the app stores as codes (statuses, triggers, audit actions and targets, field keys, actors) shown in the
 * reader's language: one function per vocabulary, each a catalog key under `labels.*`. A value the catalog does not
 * know (written by a newer version, or user data such as a node id in a field path) is shown as it is.
 *
 * Works with any next-intl translator for the `labels` namespace: `getTranslations("labels")` on the server,
 * `useTranslations("labels")` in client components.
 */

/** The parts of a next-intl translator used here, with plain string keys (the vocabularies are open-ended). */
export interface LabelTranslator {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

export type Vocabulary = "generation" | "trigger" | "targetType" | "action" | "field" | "value" | "actor";

/** next-intl reads "." as nesting: `source.update` is stored under `action.source_update`, `system:x` as `system_x`. */
export const labelKey = (vocabulary: Vocabulary, value: string) => `${vocabulary}.${value.replace(/[.:]/g, "_")}`;

/** Field names whose values are themselves codes (a role, the "set" marker of a secret); others are data. */
const CODED_FIELDS = new Set(["role", "value"]);

export function labels(translator: unknown) {
  const t = translator as LabelTranslator;
  const word = (vocabulary: Vocabulary, value: string) => {
    const key = labelKey(vocabulary, value);
    return t.has(key) ? t(key) : value;
  };
  return {
    word,
    generation: (status: string) => word("generation", status),
    trigger: (trigger: string) => word("trigger", trigger),
    targetType: (type: string) => word("targetType", type),
    action: (action: string) => word("action", action),
    /** `generation 3` (how activations name their target) as "版本代 3"; other names are data. */
    targetName: (type: string, name: string) => {
      const id = type === "generation" ? /^generation (\d+)$/.exec(name)?.[1] : undefined;
      return id ? t("generationName", { id }) : name;
    },
    /** `system`, `system:first-start`, `api-token`; `cli:<user>` and `file:<path>` keep their name; a username as is. */
    actor: (actor: string) => {
      if (t.has(labelKey("actor", actor))) return t(labelKey("actor", actor));
      const prefixed = /^(cli|file):(.+)$/.exec(actor);
      return prefixed ? t(`actor.${prefixed[1]}`, { name: prefixed[2] }) : actor;
    },
    /**
     * A dotted audit path (`pluginSets.custom_plugins.version`) as segments: each known segment translated and marked
     * `known`; the others are data (a submodule, a node id, a plugin's input key), kept as stored.
     */
    fieldSegments: (path: string) =>
      path.split(".").map((segment) => ({ text: word("field", segment), known: t.has(labelKey("field", segment)) })),
    /** A summary value: booleans always; codes for the CODED_FIELDS (by the path's last segment); data as is. */
    value: (path: string, value: unknown, roles: (role: string) => string): { text: string; coded: boolean } => {
      if (typeof value === "boolean") return { text: word("value", String(value)), coded: true };
      const field = path.split(".").at(-1) ?? "";
      if (typeof value === "string" && CODED_FIELDS.has(field)) {
        if (field === "role") return { text: roles(value), coded: true };
        const key = labelKey("value", value);
        if (field === "value" && t.has(key)) return { text: t(key), coded: true };
      }
      return { text: value === null || value === undefined || value === "" ? "∅" : String(value), coded: false };
    },
  };
}
