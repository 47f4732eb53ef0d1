export default { code: "fix_dup", name: "Dup B", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
