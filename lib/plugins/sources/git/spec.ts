import { line, remoteUrl } from "../../../validations/common";
import { z } from "../../../validations/zod";
import { defineSourceKind } from "../spec";

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

/** Signature policy: off, any key of the allow-list, or only the keys named in signingKeys. */
export const SIGNATURE_POLICIES = ["off", "any", "keys"] as const;

/** Names of allowed signing keys, comma-separated: trimmed, blanks and repeats dropped, written back as "a, b". */
export const ZSigningKeyNames = line(2000)
  .default("")
  .transform((s) => [...new Set(s.split(",").map((n) => n.trim()).filter(Boolean))].join(", "))
  .refine((s) => s === "" || s.split(", ").every((n) => /^[A-Za-z0-9_.-]{1,64}$/.test(n)), { error: "signing_keys_format" })
  .refine((s) => s === "" || s.split(", ").length <= 50, { error: "signing_keys_too_many" });

/** A git repository over http(s) (isomorphic-git speaks no ssh:// or git://), at a branch, tag or commit. */
export const gitSpec = defineSourceKind({
  kind: "git",
  input: (policy) => ({
    url: remoteUrl(policy),
    ref: line(255).min(1, { error: "required" }).refine(isGitRef, { error: "ref_format" }),
    username: line(256).default(""),
    /** Write-only: blank keeps the stored token. */
    token: z.string().max(4096, { error: "too_long" }).optional(),
    /** Remove the stored token (a blank token field keeps it). */
    clearToken: z.boolean().default(false),
    /** off | any (every key of the allow-list) | keys (only those named in signingKeys). */
    signature: z.enum(SIGNATURE_POLICIES, { error: "invalid_choice" }).default("off"),
    signingKeys: ZSigningKeyNames,
  }),
  check: (input) => (input.signature === "keys" && !input.signingKeys ? { field: "signingKeys", key: "required" } : null),
  settings: z.object({
    url: z.string(),
    ref: z.string(),
    username: z.string().default(""),
    /** Optional in the type (sources saved before signature policies have neither; absent = off). */
    signature: z.enum(SIGNATURE_POLICIES).optional(),
    signingKeys: z.string().optional(),
  }),
  secretFields: ["token"],
  mergeSecret: ({ stored, given, flags }) => ({ secret: flags.clearToken ? given : { ...stored, ...given } }),
  location: (s, secretSet) => `${s.url} @ ${s.ref}${s.username ? ` (${s.username}${secretSet ? ":••••" : ""})` : secretSet ? " (token ••••)" : ""}`,
  fileFields: [{ name: "url" }, { name: "ref" }, { name: "username", optional: true }, { name: "signature", optional: true, omitWhen: "off" }, { name: "signingKeys", optional: true }],
  form: [
    { name: "url", type: "text", initial: "", wide: true, hint: true, placeholder: "https://git.example.com/team/plugins.git" },
    { name: "ref", type: "text", initial: "main", hint: true },
    { name: "username", type: "text", initial: "", hint: true, autoComplete: "off" },
    { name: "token", type: "password", initial: "", secret: true, autoComplete: "new-password" },
    { name: "clearToken", type: "checkbox", initial: false, onlyWhenSecretSet: true },
    { name: "signature", type: "select", initial: "off", options: SIGNATURE_POLICIES, hint: true },
    { name: "signingKeys", type: "text", initial: "", hint: true, autoComplete: "off", placeholder: "release-bot, alice", when: { field: "signature", in: ["keys"] } },
  ],
});
