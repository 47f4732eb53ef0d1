// The reference plugin set ("Custom (CUS) - Test 1"), used by the demo source, the tests and the README's author
// guide. Plain ESM, no build step; see the plugin contract in the README.
export const plugins = [
  {
    code: "cus_test_1",
    name: "Test 1",
    version: "1.0.0",
    group: { code: "CUS", name: { en: "Custom", "zh-CN": "自定义" } },
    description: { en: "Echoes its message, with every kind of form field.", "zh-CN": "回显消息，演示所有表单字段类型。" },
    inputs: [
      { key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true },
      { key: "details", label: { en: "Details", "zh-CN": "详情" }, type: "textarea" },
      { key: "repeat", label: { en: "Repeat", "zh-CN": "重复次数" }, type: "number", default: 1 },
      { key: "upper", label: { en: "Upper case", "zh-CN": "转为大写" }, type: "boolean", default: false },
      {
        key: "level",
        label: { en: "Log level", "zh-CN": "日志级别" },
        type: "select",
        default: "info",
        options: [
          { value: "info", label: "info" },
          { value: "warn", label: "warn" },
        ],
      },
      { key: "extra", label: { en: "Extra data (JSON)", "zh-CN": "附加数据（JSON）" }, type: "json" },
      { key: "apiKey", label: { en: "API key", "zh-CN": "API 密钥" }, type: "secret" },
    ],
    outputs: [
      { key: "echo", label: { en: "Echo", "zh-CN": "回显" }, type: "string" },
      { key: "length", label: { en: "Length", "zh-CN": "长度" }, type: "number" },
    ],
    async execute(inputs, ctx) {
      const text = inputs.upper ? String(inputs.message).toUpperCase() : String(inputs.message);
      const echo = Array.from({ length: Math.max(1, Number(inputs.repeat) || 1) }, () => text).join(" ");
      ctx.log(`echoing ${echo.length} characters at level ${inputs.level ?? "info"}`);
      // Shows that a credential reached the plugin without ever showing its value.
      if (inputs.apiKey) ctx.log(`API key received (${String(inputs.apiKey).length} characters)`);
      return { echo, length: echo.length };
    },
  },
  {
    code: "cus_sum",
    name: { en: "Sum", "zh-CN": "求和" },
    version: "1.0.0",
    group: { code: "CUS", name: { en: "Custom", "zh-CN": "自定义" } },
    description: "Adds two numbers.",
    inputs: [
      { key: "a", label: "A", type: "number", required: true },
      { key: "b", label: "B", type: "number", required: true },
    ],
    outputs: [{ key: "sum", label: { en: "Sum", "zh-CN": "和" }, type: "number" }],
    async execute(inputs) {
      return { sum: Number(inputs.a) + Number(inputs.b) };
    },
  },
];
