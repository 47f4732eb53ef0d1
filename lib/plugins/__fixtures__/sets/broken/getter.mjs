export default {
  code: "fix_getter",
  name: "Getter",
  version: "1.0.0",
  group: { code: "FIX", name: "Fixtures" },
  get description() {
    throw new TypeError("no description for you");
  },
  execute() {},
};
