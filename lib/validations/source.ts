import { z } from "./zod";
import { isSafeRelativePath, line, remoteUrl, s3Fields, ZAbsolutePath, ZDescription, ZName, type UrlPolicy } from "./common";

/**
 * git's ref-name rules (git-check-ref-format): no control characters, space, ~ ^ : ? * [ \, no "..", no "@{",
 * not "@", no empty or "."-leading component, no component ending in ".lock", not ending in "." or "/".
 * A full 40-hex commit SHA is also accepted.
 */
export function isGitRef(ref: string): boolean {
  if (/^[0-9a-f]{40}$/i.test(ref)) return true;
  if (!ref || ref.length > 255 || ref === "@") return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes("..") || ref.includes("@{") || ref.endsWith(".") || ref.startsWith("-")) return false;
  return ref.split("/").every((c) => c !== "" && !c.startsWith(".") && !c.endsWith(".lock"));
}

/** Dotted module path ("custom_plugins.components.test1") or a relative .js/.mjs file path. */
const DOTTED = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;

/** Where a module entry lives, written from the source root ("a.b.c" → "a/b/c"; files as given). */
export function modulePathOf(entry: string): string {
  return /\.m?js$/.test(entry) ? entry : entry.split(".").join("/");
}

/** Comma-separated text (as the original form took it) or a list; trimmed, blanks dropped, de-duplicated. */
const ZImportModules = z
  .union([z.string().max(20_000, { error: "too_long" }), z.array(z.string().max(512, { error: "too_long" })).max(1000)])
  .transform((v) => [...new Set((typeof v === "string" ? v.split(",") : v).map((s) => s.trim()).filter(Boolean))])
  .pipe(
    z
      .array(
        z
          .string()
          .max(512, { error: "too_long" })
          .refine((m) => (/\.m?js$/.test(m) ? isSafeRelativePath(m) : DOTTED.test(m)), { error: "module_format" }),
      )
      .min(1, { error: "modules_required" })
      .max(100, { error: "modules_too_many" }),
  );

export const ZPluginSetInput = z.strictObject({
  submodule: line(512)
    .min(1, { error: "required" })
    .refine(isSafeRelativePath, { error: "submodule_format" }),
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
};

/**
 * The one schema for a plugin source, used by the admin form (client), the server actions, the REST API and the
 * CLI. The URL policy is a parameter because the browser cannot read the server's environment: the page passes
 * the server's policy down, so both sides check the same rule.
 */
export function sourceInputSchema(policy: UrlPolicy) {
  const git = z.strictObject({
    ...common,
    kind: z.literal("git"),
    url: remoteUrl(policy),
    ref: line(255).min(1, { error: "required" }).refine(isGitRef, { error: "ref_format" }),
    username: line(256).default(""),
    /** Write-only: blank keeps the stored token. */
    token: z.string().max(4096, { error: "too_long" }).optional(),
    /** Remove the stored token (a blank token field keeps it). */
    clearToken: z.boolean().default(false),
  });
  const s3 = z.strictObject({ ...common, kind: z.literal("s3"), ...s3Fields(policy) });
  const fs = z.strictObject({ ...common, kind: z.literal("fs"), path: ZAbsolutePath });
  return z
    .discriminatedUnion("kind", [git, s3, fs], { error: "kind_invalid" })
    .superRefine((source, ctx) => {
      const seen = new Set<string>();
      source.pluginSets.forEach((set, i) => {
        if (seen.has(set.submodule)) {
          ctx.addIssue({ code: "custom", message: "submodule_duplicate", path: ["pluginSets", i, "submodule"] });
        }
        seen.add(set.submodule);
        set.importModules.forEach((m) => {
          if (!modulePathOf(m).startsWith(set.submodule + "/")) {
            ctx.addIssue({ code: "custom", message: "module_outside", path: ["pluginSets", i, "importModules"] });
          }
        });
      });
    });
}

export type TSourceInput = z.input<ReturnType<typeof sourceInputSchema>>;
export type TSource = z.output<ReturnType<typeof sourceInputSchema>>;
export const SOURCE_KINDS = ["git", "s3", "fs"] as const;
