/**
 * References from one node's inputs to an earlier node's outputs: `{{nodes.<id>.outputs.<key>}}`.
 * A value that is exactly one reference takes the output as it is (a number stays a number); references inside
 * longer text are replaced by the output as text (objects as JSON).
 */

const REF = String.raw`\{\{\s*nodes\.([A-Za-z0-9_-]{1,32})\.outputs\.([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}`;
const ANY = new RegExp(REF, "g");
const WHOLE = new RegExp(`^${REF}$`);
// Something that starts like a reference ("{{ nodes.") must be a whole, well-formed one.
const OPENING = /\{\{\s*nodes\./g;

export interface Reference {
  nodeId: string;
  key: string;
}

/** The template text for an output of a node. */
export const referenceText = (nodeId: string, key: string) => `{{nodes.${nodeId}.outputs.${key}}}`;

/** Every reference in a value (strings at any depth of arrays and objects). */
export function referencesIn(value: unknown): Reference[] {
  if (typeof value === "string") return [...value.matchAll(ANY)].map((m) => ({ nodeId: m[1], key: m[2] }));
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(referencesIn);
  return [];
}

/** The value is exactly one reference (no other text). */
export const isWholeReference = (value: unknown): boolean => typeof value === "string" && WHOLE.test(value);

/** Text with a "{{ nodes." that does not form a valid reference (a typo the user should see). */
export function hasMalformedReference(text: string): boolean {
  const valid = [...text.matchAll(ANY)].map((m) => m.index);
  return [...text.matchAll(OPENING)].some((m) => !valid.includes(m.index));
}

/** Why a reference could not be resolved: the node did not run before this one, or returned no such output. */
export class TemplateError extends Error {
  constructor(
    readonly ref: Reference,
    readonly reason: "unavailable" | "no_output",
  ) {
    super(`${referenceText(ref.nodeId, ref.key)}: ${reason === "unavailable" ? "that node is not upstream of this one or has not run" : "that node returned no such output"}`);
    this.name = "TemplateError";
  }
}

export type Outputs = ReadonlyMap<string, Record<string, unknown> | null | undefined>;

function lookup(outputs: Outputs, ref: Reference): unknown {
  const out = outputs.get(ref.nodeId);
  if (!out) throw new TemplateError(ref, "unavailable");
  if (!Object.prototype.hasOwnProperty.call(out, ref.key)) throw new TemplateError(ref, "no_output");
  return out[ref.key];
}

/** An output as text: strings as they are, null/undefined as "", everything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * Resolves the references of one string. `keepType`: a string that is exactly one reference becomes the output
 * itself; otherwise (and always for text fields) references are replaced by the outputs as text.
 * `outputs` must hold only the nodes upstream of the node being run: anything else is "unavailable".
 */
export function resolveString(text: string, outputs: Outputs, keepType: boolean): unknown {
  const whole = keepType ? WHOLE.exec(text) : null;
  if (whole) return lookup(outputs, { nodeId: whole[1], key: whole[2] });
  return text.replace(ANY, (_m, nodeId: string, key: string) => asText(lookup(outputs, { nodeId, key })));
}

/** Resolves references in every string of a parsed JSON value (each string keeping its type when whole). */
export function resolveDeep(value: unknown, outputs: Outputs): unknown {
  if (typeof value === "string") return resolveString(value, outputs, true);
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, outputs));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v, outputs)]));
  return value;
}
