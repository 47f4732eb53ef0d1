import { isModuleEntry, isSafeRelativePath, modulePathOf } from "../plugins/safe-path";
import type { SourceKindSpec } from "../plugins/sources/spec";
import { SOURCE_SPECS, type SourceKind } from "../plugins/sources/specs";
import { line, ZDescription, ZName, type UrlPolicy } from "./common";
import { sourcePolicyFields } from "./source-policy";
import { z } from "./zod";

export { isGitRef } from "../plugins/sources/git/spec";

/** Comma-separated text (as the original form took it) or a list; trimmed, blanks dropped, de-duplicated. */
const ZImportModules = z
  .union([z.string().max(20_000, { error: "too_long" }), z.array(z.string().max(512, { error: "too_long" })).max(1000)])
  .transform((v) => [...new Set((typeof v === "string" ? v.split(",") : v).map((s) => s.trim()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(512, { error: "too_long" }))
      .min(1, { error: "modules_required" })
      .max(100, { error: "modules_too_many" })
      // On the field (the form's one input holds the whole list), naming the entry that is wrong.
      .superRefine((list, ctx) => {
        const bad = list.find((m) => !isModuleEntry(m));
        if (bad !== undefined) ctx.addIssue({ code: "custom", message: "module_format", params: { entry: bad } });
      }),
  );

export const ZPluginSetInput = z.strictObject({
  submodule: line(512)
    .min(1, { error: "required" })
    .refine((p) => isSafeRelativePath(p, { config: true }), { error: "submodule_format" }),
  version: line(64)
    .min(1, { error: "required" })
    .regex(/^[^\p{C}]+$/u, { error: "version_format" }),
  importModules: ZImportModules,
});
export type TPluginSetInput = z.input<typeof ZPluginSetInput>;

const common = {
  name: ZName,
  description: ZDescription,
  enabled: z.boolean().default(true),
  pluginSets: z.array(ZPluginSetInput).max(100, { error: "sets_too_many" }).default([]),
  // --- sync on push (issue 18): git sources only; write-only like the token (blank keeps the stored one) ---
  webhookSecret: z
    .string()
    .max(256, { error: "too_long" })
    .optional()
    .refine((v) => !v || v.length >= 16, { error: "webhook_secret_short" }),
  clearWebhookSecret: z.boolean().default(false),
  ...sourcePolicyFields,
};

/** One member of the union: the common fields, the kind's name, the kind's own fields (its spec). */
const variant = <K extends string, F extends z.ZodRawShape>(spec: SourceKindSpec<K, F, never, string>, policy: UrlPolicy) =>
  z.strictObject({ ...common, kind: z.literal(spec.kind), ...spec.input(policy) });
type Variants = { [K in SourceKind]: ReturnType<typeof variant<K, ReturnType<(typeof SOURCE_SPECS)[K]["input"]>>> }[SourceKind];

/**
 * The one schema for a plugin source, used by the admin form (client), the server actions, the REST API, the
 * sources file and Preview: the common fields plus each kind's own (lib/plugins/sources/<kind>/spec.ts). The URL
 * policy is a parameter because the browser cannot read the server's environment: the page passes the server's
 * policy down, so both sides check the same rule.
 */
export function sourceInputSchema(policy: UrlPolicy) {
  const variants = Object.values(SOURCE_SPECS).map((spec) => variant(spec as unknown as SourceKindSpec<string, z.ZodRawShape, never, string>, policy));
  return z
    .discriminatedUnion("kind", variants as unknown as [Variants, ...Variants[]], { error: "kind_invalid" })
    .superRefine((source, ctx) => {
      const problem = (SOURCE_SPECS[source.kind] as unknown as SourceKindSpec).check?.(source as never);
      if (problem) ctx.addIssue({ code: "custom", message: problem.key, path: [problem.field] });
      if (source.webhookSecret && source.kind !== "git") ctx.addIssue({ code: "custom", message: "webhook_git_only", path: ["webhookSecret"] });
      const seen = new Set<string>();
      source.pluginSets.forEach((set, i) => {
        if (seen.has(set.submodule)) {
          ctx.addIssue({ code: "custom", message: "submodule_duplicate", path: ["pluginSets", i, "submodule"] });
        }
        seen.add(set.submodule);
        const outside = set.importModules.find((m) => !modulePathOf(m).startsWith(set.submodule + "/"));
        if (outside !== undefined) {
          ctx.addIssue({ code: "custom", message: "module_outside", path: ["pluginSets", i, "importModules"], params: { entry: outside, submodule: set.submodule } });
        }
      });
    });
}

export type TSourceInput = z.input<ReturnType<typeof sourceInputSchema>>;
export type TSource = z.output<ReturnType<typeof sourceInputSchema>>;
