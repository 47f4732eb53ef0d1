import path from "node:path";
import { pathToFileURL } from "node:url";
import { describePlugin, type PluginDescriptor } from "../../plugins/contract";
import type { PluginLookup } from "../validate-graph";

/** The reference plugin set's descriptors (examples/plugins), as the contract parses them (defaults applied). */
export async function examplePlugins(): Promise<PluginDescriptor[]> {
  const dir = path.resolve("examples/plugins/custom_plugins/collections");
  const out: PluginDescriptor[] = [];
  for (const file of ["test1.js", "greet.mjs"]) {
    const ns = (await import(pathToFileURL(path.join(dir, file)).href)) as { plugins?: unknown[]; default?: unknown };
    for (const p of ns.plugins ?? [ns.default]) {
      const d = describePlugin(p);
      if (!d.ok) throw new Error(d.error);
      out.push(d.descriptor);
    }
  }
  return out;
}

/** A lookup over descriptors, newest version first. */
export function lookupOf(descriptors: PluginDescriptor[]): PluginLookup {
  return {
    get: (code, version) => descriptors.find((d) => d.code === code && d.version === version),
    versions: (code) => descriptors.filter((d) => d.code === code).map((d) => d.version).reverse(),
  };
}
