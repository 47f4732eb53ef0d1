// Plugins that misbehave only when executed (they describe fine at sync time).
const base = { version: "1.0.0", group: { code: "HOSTILE", name: "Hostile" }, inputs: [], outputs: [{ key: "ok", label: "OK", type: "boolean" }] };

export const plugins = [
  { ...base, code: "hostile_loop", name: "Loop", async execute() { for (;;) {} } },
  {
    ...base,
    code: "hostile_bomb",
    name: "Memory bomb",
    async execute() {
      const hog = [];
      for (;;) hog.push(new Array(1e6).fill(Math.random()));
    },
  },
  { ...base, code: "hostile_throw", name: "Throw", async execute() { throw new Error("thrown in execute"); } },
  { ...base, code: "hostile_exit", name: "Exit", async execute() { process.exit(3); } },
  { ...base, code: "hostile_ok", name: "Fine", async execute() { return { ok: true }; } },
];
