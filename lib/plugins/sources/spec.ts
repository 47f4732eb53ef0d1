import type { z } from "zod";
import type { UrlPolicy } from "../../validations/common";

/**
 * What defines a kind of plugin source, apart from fetching (see ./<kind>/spec.ts; the fetcher is in
 * ./<kind>/fetcher.ts and both are joined in ./<kind>/index.ts). Everything else is derived from it: the input
 * schema of forms, API, sources file and Preview (lib/validations/source.ts), the stored settings parsed on read,
 * the one rule for merging stored and given secrets, the location shown in lists, the sources-file export and
 * the form's fields. This file and the specs are pure (no Node imports): the admin form uses them in the browser.
 */
export interface SourceKindSpec<
  K extends string = string,
  F extends z.ZodRawShape = z.ZodRawShape,
  S extends Record<string, unknown> = Record<string, unknown>,
  X extends string = string,
  N extends string = string,
> {
  kind: K;
  /** The kind's fields of the source input: settings and secrets (secrets write-only, blank = keep). */
  input: (policy: UrlPolicy) => F;
  /** Rules across the kind's fields (e.g. basic auth needs a username): the field and the validation key. */
  check?: (input: z.output<z.ZodObject<F>>) => { field: string; key: string } | null;
  /** The stored, non-secret settings (PluginSource.settings), parsed on every read. */
  settings: z.ZodType<S>;
  /** The input fields that are secrets, sealed together in PluginSource.secret. */
  secretFields: readonly X[];
  /**
   * The secrets to store after a save: `stored` is what is stored now ({} when the kind changed, or when the
   * sources file is applied: its entry is the whole truth), `given` the non-blank secret fields of the input.
   * Returns the field whose secret is missing when one is required.
   */
  mergeSecret(input: { settings: S; stored: Record<string, string>; given: Record<string, string>; flags: Record<string, unknown> }): { secret: Record<string, string> } | { missing: string };
  /** One line saying where the source is, credentials masked. */
  location(settings: S, secretSet: boolean): string;
  /** Settings in the order the sources file writes them; `optional` ones are left out when empty (or `omitWhen`). */
  fileFields: readonly { name: string; optional?: boolean; omitWhen?: string }[];
  /** The form's fields, in order (see KindFormField). */
  form: readonly KindFormField<N>[];
}

/**
 * A field of the source form (components/sources/kind-fields.tsx renders them). Its label is the catalog key
 * `sourceFields.<kind>.<name>`, its hint `…<name>Hint` when `hint` (given the URL policy as `{loose}`).
 */
export interface KindFormField<N extends string = string> {
  name: N;
  type: "text" | "password" | "checkbox" | "select";
  /** The value of a new source's field. */
  initial: string | boolean;
  /** Spans the form's two columns. */
  wide?: boolean;
  hint?: boolean;
  placeholder?: string;
  autoComplete?: string;
  /** select: the values; labels are `sourceFields.<kind>.<name>_<value>`. */
  options?: readonly string[];
  /** A secret: write-only, shown as "set — leave blank to keep". */
  secret?: boolean;
  /** Shown only when the stored source has a secret (e.g. "clear the stored token"). */
  onlyWhenSecretSet?: boolean;
  /** Shown only while another field of the form has one of these values. */
  when?: { field: string; in: readonly string[] };
}

/** Types a spec and checks it fits the shape (identity at run time). */
export const defineSourceKind = <K extends string, F extends z.ZodRawShape, S extends Record<string, unknown>, X extends string = never, N extends string = never>(
  spec: SourceKindSpec<K, F, S, X, N>,
) => spec;

/** The decrypted secrets of a spec's kind (never logged). */
export type SecretsOf<T> = T extends SourceKindSpec<infer _K, infer _F, infer _S, infer X, infer _N> ? { [P in X]?: string } : never;
/** The stored settings of a spec's kind. */
export type SettingsOf<T> = T extends SourceKindSpec<infer _K, infer _F, infer S, infer _X, infer _N> ? S : never;

/** "AKIA…7Q": enough to recognise a key, not to use it. */
export function maskKey(key: string): string {
  return key.length <= 6 ? "•".repeat(key.length) : `${key.slice(0, 4)}…${key.slice(-2)}`;
}
