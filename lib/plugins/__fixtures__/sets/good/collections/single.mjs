import { label } from "../lib/labels.mjs";

export default {
  code: "fix_shout",
  name: label,
  version: "1.0.0",
  group: { code: "FIX", name: "Fixtures" },
  inputs: [{ key: "text", label: "Text", type: "textarea" }],
  async execute(inputs) {
    return { text: String(inputs.text).toUpperCase() };
  },
};
