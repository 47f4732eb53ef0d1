export default [
  { code: "fix_add", name: "Add", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute: (i) => ({ sum: i.a + i.b }) },
  { code: "fix_sub", name: "Subtract", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute: (i) => ({ diff: i.a - i.b }) },
];
