// A plugin that tries to leak its secret input everywhere a run records something: its log, the console, its
// outputs and its error. The credentials tests check that none of it is stored or logged.
export const plugins = [
  {
    code: "fx_leaky",
    name: "Leaky",
    version: "1.0.0",
    group: { code: "FX", name: "Fixtures" },
    inputs: [
      { key: "token", label: "Token", type: "secret", required: true },
      { key: "fail", label: "Fail", type: "boolean", default: false },
    ],
    outputs: [
      { key: "echo", label: "Echo", type: "string" },
      { key: "length", label: "Length", type: "number" },
    ],
    async execute(inputs, ctx) {
      ctx.log(`the token is ${inputs.token}`);
      console.log("console says", inputs.token);
      if (inputs.fail) throw new Error(`failing with ${inputs.token}`);
      return { echo: `got ${inputs.token}`, length: String(inputs.token).length };
    },
  },
];
