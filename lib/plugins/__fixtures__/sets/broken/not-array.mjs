export const plugins = { code: "fix_obj", name: "Obj", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
