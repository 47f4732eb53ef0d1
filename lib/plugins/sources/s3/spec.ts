import { s3Fields } from "../../../validations/common";
import { z } from "../../../validations/zod";
import { defineSourceKind, maskKey, type KindFormField } from "../spec";
import { checkSignatureInput, SIGNATURE_FILE_FIELDS, SIGNATURE_FORM_FIELDS, signatureInput, signatureSettings, ZSha256Pin } from "../signature-fields";

/** The S3 connection fields of a form, shared by S3 sources and the S3 cache (same names, same labels). */
export const S3_FORM_FIELDS = [
  { name: "endpoint", type: "text", initial: "", wide: true, hint: true, placeholder: "https://s3.example.com" },
  { name: "region", type: "text", initial: "us-east-1" },
  { name: "bucket", type: "text", initial: "" },
  { name: "prefix", type: "text", initial: "", hint: true },
  { name: "accessKeyId", type: "text", initial: "", autoComplete: "off" },
  { name: "secretAccessKey", type: "password", initial: "", secret: true, autoComplete: "new-password" },
  { name: "pathStyle", type: "checkbox", initial: true, wide: true },
] as const satisfies readonly KindFormField[];

/**
 * A bucket + prefix of S3 or an S3-compatible store (MinIO, Ceph, …); anonymous without an access key. Optionally
 * checked against the prefix's SHA256SUMS, pinned by its sha256 and/or signed by an allowed key (./checksums.ts).
 */
export const s3Spec = defineSourceKind({
  kind: "s3",
  input: (policy) => ({
    ...s3Fields(policy),
    /** The pinned sha256 of the prefix's SHA256SUMS (see ./checksums.ts): every object must be listed in it. */
    sha256: ZSha256Pin,
    /** SHA256SUMS must carry a detached signature (SHA256SUMS.sig / .asc) by an allowed key. */
    ...signatureInput(),
  }),
  check: (input) => checkSignatureInput(input),
  settings: z.object({
    endpoint: z.string(),
    region: z.string().default("us-east-1"),
    bucket: z.string(),
    prefix: z.string().default(""),
    accessKeyId: z.string().default(""),
    pathStyle: z.boolean().default(true),
    /** Optional (sources saved before checksum lists have neither; absent = off). */
    sha256: z.string().optional(),
    ...signatureSettings,
  }),
  secretFields: ["secretAccessKey"],
  mergeSecret: ({ settings, stored, given }) => {
    if (!settings.accessKeyId) return { secret: {} }; // anonymous access: no secret to keep
    const secret = { ...stored, ...given };
    return secret.secretAccessKey ? { secret } : { missing: "secretAccessKey" };
  },
  location: (s) => `s3://${s.bucket}/${s.prefix} @ ${s.endpoint}${s.accessKeyId ? ` (${maskKey(s.accessKeyId)})` : ""}${s.sha256 ? ` SHA256SUMS sha256 ${s.sha256.slice(0, 12)}…` : ""}`,
  fileFields: [{ name: "endpoint" }, { name: "region" }, { name: "bucket" }, { name: "prefix", optional: true }, { name: "accessKeyId", optional: true }, { name: "pathStyle" }, { name: "sha256", optional: true }, ...SIGNATURE_FILE_FIELDS],
  form: [...S3_FORM_FIELDS, { name: "sha256", type: "text", initial: "", wide: true, hint: true, placeholder: "e3b0c44298fc1c149afbf4c8996fb924…" }, ...SIGNATURE_FORM_FIELDS],
});
