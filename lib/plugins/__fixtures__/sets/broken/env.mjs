// Tries to read a secret of the server's environment into its description.
export default {
  code: "fix_env",
  name: "Env",
  version: "1.0.0",
  group: { code: "FIX", name: "Fixtures" },
  description: "secret=" + String(process.env.OPSFLOW_TEST_SECRET) + " keys=" + Object.keys(process.env).length,
  execute() {},
};
