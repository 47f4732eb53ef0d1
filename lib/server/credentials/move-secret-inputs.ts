import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { logger } from "../../log";
import { isPluginNode, ZGraph } from "../../processes/graph";
import type { PluginLookup } from "../../processes/validate-graph";
import { sealSecrets } from "../../secrets";
import { recordAudit } from "../audit/record-audit";

const ACTOR = "system:credentials-migration";

/**
 * The data migration of secret inputs: before credentials existed, a `secret` input's value was stored in plain
 * text in `Process.graph`. Each such value becomes a credential owned by the process owner, named
 * "<process> · <node> · <input>", and the input a reference to it — one transaction per process, guarded by the
 * process version (an edit at the same moment wins; the next pass retries). Which inputs are secret is known only
 * from the plugins' descriptors, so this runs whenever the instance loads a generation (and at start for the
 * built-ins); nodes whose plugin it does not know are left for a later pass. SQL alone cannot do it: the values
 * are encrypted with a key derived from APP_SECRET. Returns how many values were moved.
 */
export async function moveSecretInputs(registry: Pick<PluginLookup, "get">): Promise<number> {
  const prisma = await db();
  // Only processes whose graph holds a string where a plugin declares a secret can need it; reading all is cheap.
  const rows = await prisma.process.findMany({ select: { id: true, name: true, graph: true, version: true, ownerId: true } });
  let moved = 0;
  for (const row of rows) {
    const parsed = ZGraph.safeParse(row.graph);
    if (!parsed.success) continue;
    const graph = parsed.data;
    const plain: { nodeId: string; key: string; value: string }[] = [];
    for (const node of graph.nodes.filter(isPluginNode)) {
      const plugin = registry.get(node.data.code, node.data.version);
      for (const f of plugin?.inputs ?? []) {
        const v = node.data.inputs[f.key];
        if (f.type === "secret" && typeof v === "string" && v !== "") plain.push({ nodeId: node.id, key: f.key, value: v });
      }
    }
    if (!plain.length) continue;
    try {
      await prisma.$transaction(async (tx) => {
        const names = new Set((await tx.credential.findMany({ where: { ownerId: row.ownerId }, select: { name: true } })).map((c) => c.name));
        for (const p of plain) {
          const name = freeName(`${row.name} · ${p.nodeId} · ${p.key}`.slice(0, 90), names);
          const cred = await tx.credential.create({ data: { name, description: "", secret: sealSecrets({ value: p.value })!, ownerId: row.ownerId, createdBy: ACTOR, updatedBy: ACTOR } });
          const node = graph.nodes.find((n) => n.id === p.nodeId && isPluginNode(n));
          if (node && isPluginNode(node)) node.data.inputs[p.key] = { credential: cred.id };
          await recordAudit(tx, { actor: ACTOR, action: "credential.create", targetType: "credential", targetId: cred.id, targetName: name, summary: { value: "set", from: `${row.name}: ${p.nodeId}.${p.key}` } });
        }
        const { count } = await tx.process.updateMany({ where: { id: row.id, version: row.version }, data: { graph: graph as Prisma.InputJsonObject, version: { increment: 1 }, updatedBy: ACTOR } });
        // Saved meanwhile: nothing of this pass for the process is kept; the next one sees the new graph.
        if (!count) throw new Error("process saved meanwhile");
        await recordAudit(tx, { actor: ACTOR, action: "process.edit", targetType: "process", targetId: row.id, targetName: row.name, summary: Object.fromEntries(plain.map((p) => [`nodes.${p.nodeId}.inputs.${p.key}`, { from: "secret value", to: "credential" }])) });
      });
      moved += plain.length;
    } catch (err) {
      logger.warn({ process: row.name, err }, "secret inputs not moved into credentials this time");
    }
  }
  if (moved) logger.info(`moved ${moved} secret input value(s) from processes into credentials`);
  return moved;
}

function freeName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
  taken.add(name);
  return name;
}
