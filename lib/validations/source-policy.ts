import { z } from "./zod";

/**
 * A source's schedule, activation policy and plugin allow/deny lists: fields of the one source schema
 * (./source.ts), so the form, the actions, the REST API, the sources file and Preview check the same rules.
 */

/** Scheduled sync bounds, in minutes: at least a minute (a remote is not polled harder), at most a week. */
export const SYNC_INTERVAL_MIN = 1;
export const SYNC_INTERVAL_MAX = 10_080;

export const ACTIVATION_POLICIES = ["clean", "always", "never"] as const;
export type TActivationPolicy = (typeof ACTIVATION_POLICIES)[number];

/** Entries of an allow or deny list: a plugin code pattern, or "group:" and a group code pattern. */
export const PLUGIN_PATTERN = /^(group:)?[A-Za-z0-9_.*-]{1,100}$/;
const LIST_MAX = 100;

/**
 * An interval: minutes as a number, or as the form's text ("" = not scheduled). Whole minutes only; below the
 * minimum or above the maximum is a field error naming the bound.
 */
const ZSyncInterval = z
  .union([z.number(), z.string().trim().max(10, { error: "too_long" }), z.null()])
  .transform((v, ctx) => {
    if (v === null || v === "") return null;
    const n = typeof v === "number" ? v : /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "interval_format" });
    else if (n < SYNC_INTERVAL_MIN) ctx.addIssue({ code: "custom", message: "interval_min"});
    else if (n > SYNC_INTERVAL_MAX) ctx.addIssue({ code: "custom", message: "interval_max"});
    return n;
  });

/** A list as text (one entry per line or comma-separated, as the form has it) or an array; trimmed, de-duplicated. */
const ZPluginPatterns = z
  .union([z.string().max(20_000, { error: "too_long" }), z.array(z.string().max(200, { error: "too_long" })).max(1000)])
  .transform((v) => [...new Set((typeof v === "string" ? v.split(/[\n,]/) : v).map((s) => s.trim()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().regex(PLUGIN_PATTERN, { error: "plugin_pattern" }))
      .max(LIST_MAX, { error: "patterns_too_many" }),
  );

export const sourcePolicyFields = {
  syncIntervalMinutes: ZSyncInterval.default(null),
  activationPolicy: z.enum(ACTIVATION_POLICIES).default("always"),
  allowPlugins: ZPluginPatterns.default([]),
  denyPlugins: ZPluginPatterns.default([]),
};

export interface SourcePolicy {
  syncIntervalMinutes: number | null;
  activationPolicy: TActivationPolicy;
  allowPlugins: string[];
  denyPlugins: string[];
}
