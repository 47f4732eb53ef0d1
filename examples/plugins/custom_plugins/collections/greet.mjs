import { greeting } from "../lib/text.mjs";

// A second module with a relative import inside the set.
const greet = {
  code: "cus_greet",
  name: "Greet",
  version: "1.0.0",
  group: { code: "CUS", name: { en: "Custom", "zh-CN": "自定义" } },
  description: "Builds a greeting for a name.",
  inputs: [
    { key: "name", label: "Name", type: "text", required: true },
    { key: "excited", label: "Excited", type: "boolean" },
  ],
  outputs: [{ key: "text", label: "Text", type: "string" }],
  async execute(inputs) {
    return { text: greeting(inputs.name, inputs.excited) };
  },
};

export default greet;
