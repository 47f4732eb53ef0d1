import type { TSourceInput } from "@/lib/validations/source";
import type { SourceView } from "@/lib/server/sources/source-view";
import { SOURCE_SPECS, specOf, type SourceFormFieldName, type SourceKind } from "@/lib/plugins/sources/specs";
import type { KindFormField } from "@/lib/plugins/sources/spec";

/**
 * The source form holds every kind's fields at once (switching the kind keeps what was typed), named as the
 * specs name them; the payload keeps only the selected kind's.
 */
export type SourceFormValues = {
  name: string;
  description: string;
  enabled: boolean;
  kind: SourceKind;
  pluginSets: { submodule: string; version: string; importModules: string }[];
  /** Sync on push (git): write-only, blank keeps the stored secret. */
  webhookSecret: string;
  clearWebhookSecret: boolean;
  /** Schedule and policy (source-policy-fields.tsx): the interval as typed, the lists one entry per line. */
  syncIntervalMinutes: string;
  activationPolicy: string;
  allowPlugins: string;
  denyPlugins: string;
} & { [F in SourceFormFieldName]: string | boolean };

const ALL_FIELDS: readonly KindFormField[] = Object.values(SOURCE_SPECS).flatMap((s): readonly KindFormField[] => s.form);

/** A kind's form values as its input fields: blank secrets left out (blank = keep the stored one). */
export function kindPayload(fields: readonly KindFormField[], v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const value = v[f.name];
    if (f.secret && (value === "" || value === undefined)) continue;
    out[f.name] = f.type === "checkbox" ? Boolean(value) : (value ?? "");
  }
  return out;
}

/** A kind's form values from stored settings (or the fields' initial values). */
export function kindFormValues(fields: readonly KindFormField[], settings: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const stored = f.secret ? undefined : settings?.[f.name];
    out[f.name] = typeof stored === typeof f.initial ? stored : f.initial;
  }
  return out;
}

export function toPayload(v: SourceFormValues): TSourceInput {
  const spec = specOf(v.kind) ?? SOURCE_SPECS.git;
  const webhook = v.kind === "git" ? { ...(v.webhookSecret ? { webhookSecret: v.webhookSecret } : {}), clearWebhookSecret: Boolean(v.clearWebhookSecret) } : {};
  const policy = { syncIntervalMinutes: v.syncIntervalMinutes, activationPolicy: v.activationPolicy, allowPlugins: v.allowPlugins, denyPlugins: v.denyPlugins };
  return { name: v.name, description: v.description, enabled: v.enabled, pluginSets: v.pluginSets, ...policy, kind: v.kind, ...kindPayload(spec.form, v), ...webhook } as TSourceInput;
}

export function toFormValues(view?: SourceView): SourceFormValues {
  return {
    name: view?.name ?? "",
    description: view?.description ?? "",
    enabled: view?.enabled ?? true,
    kind: view?.kind ?? "git",
    // Every kind's fields; a field several kinds share (username) takes the stored source's value.
    ...(kindFormValues(ALL_FIELDS, view?.settings) as { [F in SourceFormFieldName]: string | boolean }),
    pluginSets: (view?.pluginSets ?? []).map((p) => ({ ...p, importModules: p.importModules.join(", ") })),
    webhookSecret: "",
    clearWebhookSecret: false,
    syncIntervalMinutes: view?.policy.syncIntervalMinutes?.toString() ?? "",
    activationPolicy: view?.policy.activationPolicy ?? "always",
    allowPlugins: (view?.policy.allowPlugins ?? []).join("\n"),
    denyPlugins: (view?.policy.denyPlugins ?? []).join("\n"),
  };
}
