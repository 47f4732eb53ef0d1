const base = { name: "Bad", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
export const plugins = [
  { ...base, code: undefined },
  { ...base, code: "fix_bad_type", inputs: [{ key: "x", label: "X", type: "colour" }] },
  { ...base, code: "fix_dup_key", inputs: [{ key: "x", label: "X", type: "text" }, { key: "x", label: "X2", type: "number" }] },
  { ...base, code: "fix_no_exec", execute: "not a function" },
  { ...base, code: "fix_fine" },
];
