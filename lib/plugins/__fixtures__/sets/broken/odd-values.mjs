const circular = { a: 1 };
circular.self = circular;
const base = { name: "Odd", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
export const plugins = [
  { ...base, code: "fix_circular", inputs: [{ key: "j", label: "J", type: "json", default: circular }] },
  { ...base, code: "fix_bigint", inputs: [{ key: "n", label: "N", type: "number", default: 10n }] },
  { ...base, code: Symbol("fix_symbol") },
];
