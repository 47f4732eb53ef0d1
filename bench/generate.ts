/**
 * Synthetic plugin packages for the benchmarks (never committed): `sets` plugin sets of `filesPerSet` files each,
 * one module per set exporting `pluginsPerSet` plugins. Written to a directory, optionally committed to a git repo.
 */
import fs from "node:fs";
import path from "node:path";

export interface Generated {
  root: string;
  sets: { submodule: string; version: string; importModules: string[] }[];
  files: number;
  plugins: number;
}

export function generatePackages(root: string, opts: { sets: number; filesPerSet: number; pluginsPerSet: number; fileBytes?: number }): Generated {
  const sets: Generated["sets"] = [];
  let files = 0;
  const filler = "x".repeat(Math.max(0, (opts.fileBytes ?? 2048) - 64));
  for (let s = 0; s < opts.sets; s++) {
    const sub = `set_${String(s).padStart(3, "0")}`;
    const dir = path.join(root, sub);
    fs.mkdirSync(path.join(dir, "lib"), { recursive: true });
    const plugins = Array.from({ length: opts.pluginsPerSet }, (_, p) => ({
      code: `bench_${s}_${p}`,
      name: { en: `Bench ${s}.${p}`, "zh-CN": `基准 ${s}.${p}` },
      version: "1.0.0",
      group: { code: `G${s % 10}`, name: `Group ${s % 10}` },
      description: `Synthetic plugin ${p} of set ${s}`,
      inputs: [
        { key: "message", label: "Message", type: "text", required: true },
        { key: "count", label: "Count", type: "number" },
      ],
      outputs: [{ key: "echo", label: "Echo", type: "string" }],
    }));
    fs.writeFileSync(
      path.join(dir, "plugins.mjs"),
      `const list = ${JSON.stringify(plugins)};\nexport const plugins = list.map((p) => ({ ...p, async execute(inputs) { return { echo: String(inputs.message ?? "") }; } }));\n`,
    );
    files++;
    for (let f = 1; f < opts.filesPerSet; f++) {
      fs.writeFileSync(path.join(dir, "lib", `file_${f}.js`), `// ${sub} file ${f}\nexport const v${f} = ${f};\n// ${filler}\n`);
      files++;
    }
    sets.push({ submodule: sub, version: "1.0.0", importModules: [`${sub}/plugins.mjs`] });
  }
  return { root, sets, files, plugins: opts.sets * opts.pluginsPerSet };
}
