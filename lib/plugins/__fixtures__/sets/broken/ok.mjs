export default { code: "fix_ok", name: "OK", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
