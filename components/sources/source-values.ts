import type { TSourceInput } from "@/lib/validations/source";
import type { SourceView } from "@/lib/server/sources/source-view";

/** The S3 connection fields as the source form and the cache form hold them (see S3Fields). */
export interface S3FormValues {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  pathStyle: boolean;
}

/** The form holds every kind's fields at once; the payload keeps only the selected kind's. */
export interface SourceFormValues extends S3FormValues {
  name: string;
  description: string;
  enabled: boolean;
  kind: "git" | "s3" | "fs";
  url: string;
  ref: string;
  username: string;
  token: string;
  clearToken: boolean;
  path: string;
  pluginSets: { submodule: string; version: string; importModules: string }[];
}

export function toPayload(v: SourceFormValues): TSourceInput {
  const common = { name: v.name, description: v.description, enabled: v.enabled, pluginSets: v.pluginSets };
  switch (v.kind) {
    case "git":
      return { ...common, kind: "git", url: v.url, ref: v.ref, username: v.username, token: v.token || undefined, clearToken: v.clearToken };
    case "s3":
      return {
        ...common,
        kind: "s3",
        endpoint: v.endpoint,
        region: v.region,
        bucket: v.bucket,
        prefix: v.prefix,
        accessKeyId: v.accessKeyId,
        secretAccessKey: v.secretAccessKey || undefined,
        pathStyle: v.pathStyle,
      };
    default:
      return { ...common, kind: "fs", path: v.path };
  }
}

export function toFormValues(view?: SourceView): SourceFormValues {
  const s = (view?.settings ?? {}) as Partial<Record<string, string | boolean>>;
  const str = (k: string, d = "") => (typeof s[k] === "string" ? (s[k] as string) : d);
  return {
    name: view?.name ?? "",
    description: view?.description ?? "",
    enabled: view?.enabled ?? true,
    kind: view?.kind ?? "git",
    url: str("url"),
    ref: str("ref", "main"),
    username: str("username"),
    token: "",
    clearToken: false,
    endpoint: str("endpoint"),
    region: str("region", "us-east-1"),
    bucket: str("bucket"),
    prefix: str("prefix"),
    accessKeyId: str("accessKeyId"),
    secretAccessKey: "",
    pathStyle: typeof s.pathStyle === "boolean" ? s.pathStyle : true,
    path: str("path"),
    pluginSets: (view?.pluginSets ?? []).map((p) => ({ ...p, importModules: p.importModules.join(", ") })),
  };
}
