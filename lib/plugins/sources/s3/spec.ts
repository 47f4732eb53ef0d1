import { s3Fields } from "../../../validations/common";
import { z } from "../../../validations/zod";
import { defineSourceKind, maskKey, type KindFormField } from "../spec";

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

/** A bucket + prefix of S3 or an S3-compatible store (MinIO, Ceph, …); anonymous without an access key. */
export const s3Spec = defineSourceKind({
  kind: "s3",
  input: (policy) => s3Fields(policy),
  settings: z.object({
    endpoint: z.string(),
    region: z.string().default("us-east-1"),
    bucket: z.string(),
    prefix: z.string().default(""),
    accessKeyId: z.string().default(""),
    pathStyle: z.boolean().default(true),
  }),
  secretFields: ["secretAccessKey"],
  mergeSecret: ({ settings, stored, given }) => {
    if (!settings.accessKeyId) return { secret: {} }; // anonymous access: no secret to keep
    const secret = { ...stored, ...given };
    return secret.secretAccessKey ? { secret } : { missing: "secretAccessKey" };
  },
  location: (s) => `s3://${s.bucket}/${s.prefix} @ ${s.endpoint}${s.accessKeyId ? ` (${maskKey(s.accessKeyId)})` : ""}`,
  fileFields: [{ name: "endpoint" }, { name: "region" }, { name: "bucket" }, { name: "prefix", optional: true }, { name: "accessKeyId", optional: true }, { name: "pathStyle" }],
  form: S3_FORM_FIELDS,
});
