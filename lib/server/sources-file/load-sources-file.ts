import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { urlPolicy } from "../../env";
import { english } from "./english";
import { cacheInputSchema, type TCache } from "../../validations/cache";
import type { UrlPolicy } from "../../validations/common";
import { toFieldErrors, type FieldErrors, type Translate } from "../../validations/issues";
import { sourceInputSchema, type TSource } from "../../validations/source";
import { specOf } from "../../plugins/sources/specs";
import { splitSourceInput } from "../sources/source-view";
import { fileTag } from "./managed";

/**
 * PLUGIN_SOURCES_FILE: a JSON or YAML file (by extension) declaring plugin sources and optionally the cache.
 *
 *   sources:                      # required; [] = the file manages no source
 *     - name: plugins             # each entry is exactly the body of POST /api/sources …
 *       kind: git
 *       url: https://git.example.com/team/plugins.git
 *       ref: main
 *       token: { env: GIT_TOKEN_PLUGINS }   # … except secrets, which are environment references
 *       pluginSets: [{ submodule: custom_plugins, version: "1.0.0", importModules: [custom_plugins.a] }]
 *   cache: { kind: s3, …, secretAccessKey: { env: CACHE_SECRET } }   # optional; the body of PUT /api/cache
 *
 * Every entry is validated with the admin forms' zod schemas (after resolving its environment references), and
 * every problem is reported at once as `<file>: sources[2] (name "x").pluginSets.0.submodule: <message>`.
 */

/** A validated file: what the reconciler applies. Secrets are resolved (plain values: never log this). */
export interface SourcesFile {
  /** The path as given. */
  path: string;
  /** "file:<path>": managedBy of the rows it declares and the actor of its audit entries. */
  managedBy: string;
  sources: TSource[];
  /** Absent = the file does not manage the cache. */
  cache?: TCache;
}

export type LoadResult = { ok: true; file: SourcesFile } | { ok: false; errors: string[] };

export interface LoadOptions {
  /** Where environment references are looked up (default process.env). */
  env?: Record<string, string | undefined>;
  /** The URL policy (default: the server's, from EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE). */
  policy?: UrlPolicy;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The file's format by extension, or undefined when unsupported. */
export function formatOf(file: string): "json" | "yaml" | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === ".json" ? "json" : ext === ".yaml" || ext === ".yml" ? "yaml" : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Keys JavaScript gives every object. JSON.parse and YAML keep them as plain keys, but code indexing an ordinary
 * object with them reads the prototype instead (an error recorded under "constructor" was lost, and the entry with
 * it vanished: `apply` then deleted the source it stood for). They are refused wherever they appear.
 */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Every reserved key in the document, as [where, key]: `sources[1] (name "x").pluginSets.0` style paths. */
function reservedKeys(doc: unknown): [string, string][] {
  const found: [string, string][] = [];
  const walk = (value: unknown, where: string) => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}.${i}`));
    else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        if (RESERVED_KEYS.has(key)) found.push([where, key]);
        else walk(value[key], where ? `${where}.${key}` : key);
      }
    }
  };
  if (!isObject(doc)) return found;
  for (const key of Object.keys(doc)) {
    if (RESERVED_KEYS.has(key)) found.push(["", key]);
    else if (key === "sources" && Array.isArray(doc.sources)) {
      doc.sources.forEach((entry, i) => {
        const name = isObject(entry) && typeof entry.name === "string" ? ` (name ${JSON.stringify(entry.name.trim())})` : "";
        walk(entry, `sources[${i}]${name}`);
      });
    } else walk(doc[key], key);
  }
  return found;
}

/** Reads, parses and validates a sources file. Never throws for a bad file: every problem is in `errors`. */
export async function loadSourcesFile(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const t = english;
  const format = formatOf(file);
  if (!format) return { ok: false, errors: [`${file}: ${t("managed.fileType")}`] };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { ok: false, errors: [`${file}: ${t("managed.fileUnreadable", { reason: (err as Error).message })}`] };
  }
  const parsed = parseText(text, format);
  if (!parsed.ok) {
    return { ok: false, errors: parsed.reasons.map((reason) => `${file}: ${t("managed.fileSyntax", { format: format.toUpperCase(), reason })}`) };
  }
  return validateSourcesDocument(parsed.value, file, opts);
}

function parseText(text: string, format: "json" | "yaml"): { ok: true; value: unknown } | { ok: false; reasons: string[] } {
  if (format === "json") {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (err) {
      return { ok: false, reasons: [(err as Error).message] };
    }
  }
  // No int/float tags: every field of a source is a string or a boolean, and YAML would otherwise read
  // `version: 1.10` as the number 1.1. Plain scalars that look like numbers stay strings.
  const numeric = (tag: string | { tag: string }) => (typeof tag === "string" ? /^(int|float)/.test(tag) : /:(int|float)$/.test(tag.tag));
  const doc = YAML.parseDocument(text, { customTags: (tags) => tags.filter((tag) => !numeric(tag)) });
  if (doc.errors.length) return { ok: false, reasons: doc.errors.map((e) => e.message.split("\n")[0]) };
  return { ok: true, value: doc.toJS() as unknown };
}

/** toFieldErrors, with each unknown key reported at its own path ("pluginSets.0.extra"), not at the object holding it. */
function fieldErrorsOf(error: z.ZodError, tv: Translate): FieldErrors {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === "unrecognized_keys" ? issue.keys.map((key) => ({ ...issue, keys: [key], path: [...issue.path, key] })) : [issue],
  );
  return toFieldErrors({ issues } as z.ZodError, tv);
}

/** Field errors keyed by user-given paths: no prototype, so a key like "toString" is an ordinary, absent key. */
const emptyErrors = (): FieldErrors => Object.create(null) as FieldErrors;

/** Validates a parsed document (the file's content) as if read from `file`. */
export function validateSourcesDocument(doc: unknown, file: string, opts: LoadOptions = {}): LoadResult {
  const t = english;
  const tv = (key: string, values?: Record<string, string | number>) => t(`validation.${key}` as never, values as never);
  const env = opts.env ?? process.env;
  const policy = opts.policy ?? urlPolicy();
  const errors: string[] = [];
  const at = (where: string, field: string, message: string) => errors.push(`${file}: ${where}${field ? `.${field}` : ""}: ${message}`);

  if (!isObject(doc)) return { ok: false, errors: [`${file}: ${t("managed.fileShape")}`] };
  // Checked before anything reads the entries: nothing below has to think about them.
  const reserved = reservedKeys(doc);
  if (reserved.length) return { ok: false, errors: reserved.map(([where, key]) => `${file}: ${where ? `${where}.` : ""}${key}: ${t("managed.reservedKey", { key })}`) };
  for (const key of Object.keys(doc)) {
    if (key !== "sources" && key !== "cache") errors.push(`${file}: ${key}: ${tv("unknown_field")}`);
  }
  if (doc.sources === undefined) errors.push(`${file}: sources: ${tv("required")}`);
  else if (!Array.isArray(doc.sources)) errors.push(`${file}: sources: ${t("managed.sourcesList")}`);

  /**
   * Replaces the entry's secret fields by the values of the variables they reference. Problems go to `fieldErrors`
   * (and the field is left out, so the schema does not report it a second time).
   */
  const resolveSecrets = (entry: Record<string, unknown>, fields: readonly string[], fieldErrors: FieldErrors) => {
    const out = { ...entry };
    for (const field of fields) {
      const value = entry[field];
      if (value === undefined) continue;
      delete out[field];
      if (typeof value === "string") fieldErrors[field] = t("managed.secretLiteral");
      else if (!isObject(value) || Object.keys(value).length !== 1 || typeof value.env !== "string" || !ENV_NAME.test(value.env)) {
        fieldErrors[field] = t("managed.secretRef");
      } else if (!env[value.env]) fieldErrors[field] = t("managed.envMissing", { name: value.env });
      else out[field] = env[value.env];
    }
    return out;
  };

  const sources: TSource[] = [];
  const schema = sourceInputSchema(policy);
  const seen = new Set<string>();
  for (const [i, entry] of (Array.isArray(doc.sources) ? doc.sources : []).entries()) {
    const name = isObject(entry) && typeof entry.name === "string" ? entry.name.trim() : undefined;
    const where = `sources[${i}]${name !== undefined ? ` (name ${JSON.stringify(name)})` : ""}`;
    if (!isObject(entry)) {
      at(where, "", t("managed.entryShape"));
      continue;
    }
    const fieldErrors = emptyErrors();
    // Names are unique regardless of case, as in the database.
    if (name && seen.has(name.toLowerCase())) fieldErrors.name = t("managed.duplicateName", { name });
    else if (name) seen.add(name.toLowerCase());
    // A kind's secret fields take `{ env: "VAR" }`, never a literal.
    const secretFields = typeof entry.kind === "string" ? (specOf(entry.kind)?.secretFields ?? []) : [];
    const input = resolveSecrets(entry, secretFields, fieldErrors);
    const result = schema.safeParse(input);
    if (!result.success) {
      for (const [field, message] of Object.entries(fieldErrorsOf(result.error, tv))) fieldErrors[field] ??= message;
    } else {
      const source = result.data;
      // The kind's secret rule, as a save applies it (the file's entry is the whole truth: nothing stored counts).
      const { settings, secret, flags } = splitSourceInput(source);
      const merged = specOf(source.kind)!.mergeSecret({ settings, stored: {}, given: secret, flags });
      if ("missing" in merged) fieldErrors[merged.missing] ??= t("errors.secretRequired");
      if (!Object.keys(fieldErrors).length) sources.push(source);
    }
    for (const [field, message] of Object.entries(fieldErrors)) at(where, field, message);
  }

  let cache: TCache | undefined;
  if (doc.cache !== undefined && doc.cache !== null) {
    if (!isObject(doc.cache)) at("cache", "", tv("invalid_type"));
    else {
      const fieldErrors = emptyErrors();
      const input = resolveSecrets(doc.cache, doc.cache.kind === "s3" ? ["secretAccessKey"] : [], fieldErrors);
      const result = cacheInputSchema(policy).safeParse(input);
      if (!result.success) {
        for (const [field, message] of Object.entries(fieldErrorsOf(result.error, tv))) fieldErrors[field] ??= message;
      } else if (result.data.kind === "s3" && result.data.accessKeyId && !result.data.secretAccessKey) {
        fieldErrors.secretAccessKey ??= t("errors.secretRequired");
      }
      if (result.success && !Object.keys(fieldErrors).length) cache = result.data;
      for (const [field, message] of Object.entries(fieldErrors)) at("cache", field, message);
    }
  }

  if (errors.length) return { ok: false, errors };
  return { ok: true, file: { path: file, managedBy: fileTag(file), sources, ...(cache ? { cache } : {}) } };
}
