export default { code: "fix_dup", name: "Dup A", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
