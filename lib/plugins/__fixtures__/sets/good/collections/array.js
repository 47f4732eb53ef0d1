// A .js module with ESM syntax (Node detects it), exporting a `plugins` array.
export const plugins = [
  {
    code: "fix_echo",
    name: "Echo",
    version: "1.0.0",
    group: { code: "FIX", name: "Fixtures" },
    inputs: [{ key: "message", label: "Message", type: "text", required: true }],
    outputs: [{ key: "echo", label: "Echo", type: "string" }],
    async execute(inputs) {
      return { echo: inputs.message };
    },
  },
  {
    code: "fix_echo",
    name: "Echo",
    version: "2.0.0",
    group: { code: "FIX", name: "Fixtures" },
    execute: async (inputs) => ({ echo: inputs.message }),
  },
];
