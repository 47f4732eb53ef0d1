// The reference plugin set ("Custom (CUS) - Test 1"), used by the demo source and the tests.
// See the plugin author guide in the README for the contract.
export const plugins = [
  {
    code: "cus_test_1",
    name: "Test 1",
    version: "1.0.0",
    group: { code: "CUS", name: "Custom" },
    description: "Echoes its message back; the smallest useful plugin.",
    inputs: [{ key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true }],
    outputs: [{ key: "echo", label: "Echo", type: "string" }],
    async execute(inputs, ctx) {
      ctx.log(`echoing ${inputs.message.length} characters`);
      return { echo: inputs.message };
    },
  },
];
