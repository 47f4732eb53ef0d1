import { z } from "./zod";

/**
 * Shared field rules. Every message is a catalog key under "validation." (messages/<locale>.json), so the form,
 * the API and the CLI show the same text in the user's language; see ./issues.ts for the translation.
 */

/** Remote URL policy: https only, unless EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE=1 also allows http. */
export interface UrlPolicy {
  allowHttp: boolean;
}

// Control characters (C0, DEL, C1) never belong in a single-line field.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A trimmed single-line string of at most `max` characters. */
export const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: "too_long" })
    .refine((s) => !CONTROL.test(s), { error: "control_chars" });

/** Names of sources and users: 1–64 of [A-Za-z0-9_-]. */
export const ZName = line(64)
  .min(1, { error: "required" })
  .regex(/^[A-Za-z0-9_-]+$/, { error: "name_format" });

/** The largest value of a PostgreSQL integer column (Prisma's Int): generation and log ids. */
export const INT4_MAX = 2_147_483_647;

/** A generation id (a positive integer column): anything else names no generation. */
export const ZGenerationId = z.number().int().min(1).max(INT4_MAX);

/** A positive integer as written in a URL path or query: digits only (no "1e3", no "+1"), within INT4_MAX. */
export const ZIntText = z
  .string()
  .regex(/^\d{1,10}$/)
  .transform(Number)
  .pipe(z.number().int().min(0).max(INT4_MAX));

export const ZDescription = z.string().trim().max(500, { error: "too_long" }).default("");

/**
 * An http(s) URL to a remote: must parse, have a host, carry no credentials, use https (or http when the policy
 * allows). This rejects ssh://, git://, file:, scp-style "git@host:repo", git's "ext::"/"fd::" transports and
 * anything starting with "-" (which git could read as an option).
 */
export function remoteUrl(policy: UrlPolicy) {
  return line(2048)
    .min(1, { error: "required" })
    .superRefine((raw, ctx) => {
      if (raw.startsWith("-")) return void ctx.addIssue({ code: "custom", message: "url_leading_dash" });
      if (/^(ext|fd)::/i.test(raw)) return void ctx.addIssue({ code: "custom", message: "url_scheme" });
      if (/^[^/:]+@[^/:]+:/.test(raw)) return void ctx.addIssue({ code: "custom", message: "url_scp" });
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return void ctx.addIssue({ code: "custom", message: "url_invalid" });
      }
      if (url.protocol === "http:" && !policy.allowHttp) {
        return void ctx.addIssue({ code: "custom", message: "url_https_only" });
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        return void ctx.addIssue({ code: "custom", message: "url_scheme" });
      }
      if (!url.hostname) return void ctx.addIssue({ code: "custom", message: "url_no_host" });
      if (url.username || url.password) ctx.addIssue({ code: "custom", message: "url_credentials" });
    });
}

/** An absolute, normalised POSIX path (no "..", no "//", no trailing "/"). */
export const ZAbsolutePath = line(1024)
  .min(1, { error: "required" })
  .refine((p) => p.startsWith("/"), { error: "path_absolute" })
  // Normalised = what path.posix.normalize would return: no empty, "." or ".." segments (this runs in the browser too).
  .refine((p) => p === "/" || p.slice(1).split("/").every((seg) => seg !== "" && seg !== "." && seg !== ".."), {
    error: "path_normalised",
  });

/** The S3 connection fields shared by S3 sources and the S3 cache. */
export function s3Fields(policy: UrlPolicy) {
  return {
    endpoint: remoteUrl(policy),
    region: line(64)
      .regex(/^[a-z0-9-]*$/, { error: "region_format" })
      .default("us-east-1")
      .transform((r) => r || "us-east-1"),
    bucket: line(63).min(1, { error: "required" }).refine(isBucketName, { error: "bucket_format" }),
    prefix: line(1024)
      .default("")
      .refine((p) => !p.startsWith("/"), { error: "prefix_leading_slash" })
      .refine((p) => !p.split("/").includes(".."), { error: "prefix_dotdot" })
      .refine((p) => !p.includes("\\"), { error: "prefix_backslash" }),
    accessKeyId: line(128).default(""),
    /** Write-only: blank keeps the stored value. */
    secretAccessKey: z.string().max(256, { error: "too_long" }).optional(),
    pathStyle: z.boolean().default(true),
  };
}

/** S3 bucket naming rules (general purpose buckets). */
export function isBucketName(b: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b) &&
    !b.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(b) &&
    !b.startsWith("xn--") &&
    !b.endsWith("-s3alias")
  );
}
