import { line, remoteUrl } from "../../../validations/common";
import { z } from "../../../validations/zod";
import { defineSourceKind } from "../spec";
import { checkSignatureInput, SIGNATURE_FILE_FIELDS, SIGNATURE_FORM_FIELDS, signatureInput, signatureSettings } from "../signature-fields";

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
    ...signatureInput(),
  }),
  check: (input) => checkSignatureInput(input),
  settings: z.object({
    url: z.string(),
    ref: z.string(),
    username: z.string().default(""),
    ...signatureSettings,
  }),
  secretFields: ["token"],
  mergeSecret: ({ stored, given, flags }) => ({ secret: flags.clearToken ? given : { ...stored, ...given } }),
  location: (s, secretSet) => `${s.url} @ ${s.ref}${s.username ? ` (${s.username}${secretSet ? ":••••" : ""})` : secretSet ? " (token ••••)" : ""}`,
  fileFields: [{ name: "url" }, { name: "ref" }, { name: "username", optional: true }, ...SIGNATURE_FILE_FIELDS],
  form: [
    { name: "url", type: "text", initial: "", wide: true, hint: true, placeholder: "https://git.example.com/team/plugins.git" },
    { name: "ref", type: "text", initial: "main", hint: true },
    { name: "username", type: "text", initial: "", hint: true, autoComplete: "off" },
    { name: "token", type: "password", initial: "", secret: true, autoComplete: "new-password" },
    { name: "clearToken", type: "checkbox", initial: false, onlyWhenSecretSet: true },
    ...SIGNATURE_FORM_FIELDS,
  ],
});
