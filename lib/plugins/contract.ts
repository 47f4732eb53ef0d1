import { z } from "../validations/zod";

/** A plugin code: what a module may export, and so all a URL naming a plugin may hold. */
export const PLUGIN_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The plugin contract (see DESIGN.md and the README's author guide). A module named in importModules exports
 * `plugins` (an array) or a default export (one plugin or an array). Text may be a string or per-language
 * ({ en, "zh-CN" }); the picker shows it as given.
 */

export const ZText = z.union([
  z.string().min(1).max(200),
  z.object({ en: z.string().min(1).max(200) }).catchall(z.string().max(200)),
]);
export type TText = z.infer<typeof ZText>;

/** Plugin text as the plugin gives it: a string, or the locale's entry ("zh-CN", then "zh", then "en"). */
export function textOf(t: TText, locale = "en"): string {
  if (typeof t === "string") return t;
  return t[locale] ?? t[locale.split("-")[0]] ?? t.en;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const INPUT_TYPES = ["text", "textarea", "number", "boolean", "select", "json", "secret"] as const;
export const OUTPUT_TYPES = ["string", "number", "boolean", "object", "array", "any"] as const;

export const ZInputField = z.object({
  key: z.string().regex(KEY),
  label: ZText,
  type: z.enum(INPUT_TYPES),
  required: z.boolean().default(false),
  description: ZText.optional(),
  default: z.unknown().optional(),
  /** For type "select". */
  options: z.array(z.object({ value: z.union([z.string(), z.number()]), label: ZText })).max(200).optional(),
});

export const ZOutputField = z.object({
  key: z.string().regex(KEY),
  label: ZText,
  type: z.enum(OUTPUT_TYPES).default("any"),
});

/** What the picker needs: everything but `execute`. Stored in the manifest. */
export const ZPluginDescriptor = z
  .object({
    code: z.string().regex(PLUGIN_CODE, "lower-case letters, digits and _, starting with a letter"),
    name: ZText,
    version: z.string().min(1).max(64),
    group: z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/), name: ZText }),
    description: ZText.optional(),
    inputs: z.array(ZInputField).max(100).default([]),
    outputs: z.array(ZOutputField).max(100).default([]),
  })
  .superRefine((p, ctx) => {
    for (const [list, name] of [
      [p.inputs, "inputs"],
      [p.outputs, "outputs"],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((f, i) => {
        if (seen.has(f.key)) ctx.addIssue({ code: "custom", message: `duplicate key "${f.key}"`, path: [name, i, "key"] });
        seen.add(f.key);
      });
    }
  });
export type PluginDescriptor = z.infer<typeof ZPluginDescriptor>;

/** A plugin as exported: a descriptor plus its `execute(inputs, ctx)` function. */
export const ZPluginExport = z.custom<{ execute: unknown }>(
  (v) => typeof v === "object" && v !== null && typeof (v as { execute?: unknown }).execute === "function",
  { message: "execute must be a function" },
);

/** Reads a module namespace's plugins: `plugins` array, else default export (one or an array). */
export function pluginsOf(ns: Record<string, unknown>): unknown[] | string {
  if ("plugins" in ns) return Array.isArray(ns.plugins) ? ns.plugins : "`plugins` must be an array";
  if ("default" in ns) return Array.isArray(ns.default) ? ns.default : [ns.default];
  return "the module exports neither `plugins` nor a default export";
}

/** Validates one exported plugin; returns the descriptor or a one-line reason. */
export function describePlugin(value: unknown): { ok: true; descriptor: PluginDescriptor } | { ok: false; error: string } {
  const hasExecute = ZPluginExport.safeParse(value);
  const parsed = ZPluginDescriptor.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join(".") || "plugin"}: ${issue.message}` };
  }
  if (!hasExecute.success) return { ok: false, error: "execute: must be a function" };
  return { ok: true, descriptor: parsed.data };
}
