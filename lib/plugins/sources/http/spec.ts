import { line, remoteUrl } from "../../../validations/common";
import { checkSignatureInput, SIGNATURE_FILE_FIELDS, SIGNATURE_FORM_FIELDS, signatureInput, signatureSettings, ZSha256Pin } from "../signature-fields";
import { z } from "../../../validations/zod";
import { defineSourceKind } from "../spec";

export const HTTP_AUTH = ["none", "bearer", "basic"] as const;
export const HTTP_STRIP = ["0", "1", "2"] as const;

/**
 * An archive (.tar.gz / .tgz / .zip) of the plugin package at an http(s) URL, e.g. an artifact store without S3.
 * Optional bearer or basic credentials; an optional pinned sha256 of the archive and/or a signature policy (a
 * detached signature next to the archive by an allowed key; both must hold when both are set); leading folders of the archive
 * (GitHub's "repo-<sha>/") can be dropped so submodule paths stay the same from one release to the next.
 */
export const httpSpec = defineSourceKind({
  kind: "http",
  input: (policy) => ({
    url: remoteUrl(policy),
    auth: z.enum(HTTP_AUTH, { error: "invalid_choice" }).default("none"),
    username: line(256).default(""),
    /** Write-only (bearer): blank keeps the stored one. */
    token: z.string().max(4096, { error: "too_long" }).optional(),
    /** Write-only (basic): blank keeps the stored one. */
    password: z.string().max(4096, { error: "too_long" }).optional(),
    sha256: ZSha256Pin,
    strip: z.enum(HTTP_STRIP, { error: "invalid_choice" }).default("0"),
    /** A detached signature next to the archive (`<url>.sig` / `<url>.asc`) by an allowed key; see ./signature.ts. */
    ...signatureInput(),
  }),
  check: (input) => (input.auth === "basic" && !input.username ? { field: "username", key: "required" } : checkSignatureInput(input)),
  settings: z.object({
    url: z.string(),
    auth: z.enum(HTTP_AUTH).default("none"),
    username: z.string().default(""),
    sha256: z.string().default(""),
    strip: z.enum(HTTP_STRIP).default("0"),
    ...signatureSettings,
  }),
  secretFields: ["token", "password"],
  mergeSecret: ({ settings, stored, given }) => {
    // Only the secret the chosen scheme uses is kept: switching from bearer to basic drops the token.
    if (settings.auth === "none") return { secret: {} };
    const field = settings.auth === "bearer" ? "token" : "password";
    const value = given[field] ?? stored[field];
    return value ? { secret: { [field]: value } } : { missing: field };
  },
  location: (s, secretSet) =>
    `${s.url}${s.auth === "basic" ? ` (${s.username}${secretSet ? ":••••" : ""})` : s.auth === "bearer" ? ` (bearer${secretSet ? " ••••" : ""})` : ""}${s.sha256 ? ` sha256 ${s.sha256.slice(0, 12)}…` : ""}`,
  fileFields: [{ name: "url" }, { name: "auth" }, { name: "username", optional: true }, { name: "sha256", optional: true }, { name: "strip" }, ...SIGNATURE_FILE_FIELDS],
  form: [
    { name: "url", type: "text", initial: "", wide: true, hint: true, placeholder: "https://artifacts.example.com/plugins-1.4.0.tar.gz" },
    { name: "auth", type: "select", initial: "none", options: HTTP_AUTH },
    { name: "strip", type: "select", initial: "0", options: HTTP_STRIP, hint: true },
    { name: "username", type: "text", initial: "", autoComplete: "off", when: { field: "auth", in: ["basic"] } },
    { name: "token", type: "password", initial: "", secret: true, autoComplete: "new-password", when: { field: "auth", in: ["bearer"] } },
    { name: "password", type: "password", initial: "", secret: true, autoComplete: "new-password", when: { field: "auth", in: ["basic"] } },
    { name: "sha256", type: "text", initial: "", wide: true, hint: true, placeholder: "e3b0c44298fc1c149afbf4c8996fb924…" },
    ...SIGNATURE_FORM_FIELDS,
  ],
});
