export const plugins = [{ code: "fix_tool", name: "Tool", version: "0.1.0", group: { code: "FIX", name: "Fixtures" }, execute() {} }];
