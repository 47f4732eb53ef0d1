import "server-only";
import { db } from "../../db";
import { isCredentialRef } from "../../processes/credential-ref";
import { isPluginNode, type Graph } from "../../processes/graph";
import type { SessionUser } from "../auth/current-user";
import { ExpectedError } from "../errors";
import { accessOf } from "../sharing/access";

type Who = Pick<SessionUser, "id" | "role">;

/** Each node input that holds a credential reference: where it is and which credential. */
function refsOf(graph: Graph): { field: string; id: string }[] {
  return graph.nodes.filter(isPluginNode).flatMap((n) =>
    Object.entries(n.data.inputs).flatMap(([key, v]) => (isCredentialRef(v) ? [{ field: `nodes.${n.id}.${key}`, id: v.credential }] : [])),
  );
}

/** The referenced credentials that none of `who` may use (missing, or neither owned by nor shared with them). */
async function unusable(ids: string[], who: Who[]): Promise<Set<string>> {
  const rows = await (await db()).credential.findMany({ where: { id: { in: ids } }, select: { id: true, ownerId: true, shares: { select: { userId: true, role: true } } } });
  const usable = new Set(rows.filter((r) => who.some((w) => accessOf(r, w))).map((r) => r.id));
  return new Set(ids.filter((id) => !usable.has(id)));
}

function refusal(bad: { field: string; id: string }[]): ExpectedError {
  const fields = Object.fromEntries(bad.map((b) => [b.field, ["credentials.errors.unusable", {}] as [string, Record<string, string>]]));
  return new ExpectedError(422, "credentials.errors.unusableIn", { nodes: [...new Set(bad.map((b) => b.field.split(".")[1]))].join(", ") }, fields);
}

/**
 * On save: every credential the saver puts into a node must be one they may use (a reference already there,
 * e.g. set by the owner, may stay). 422 naming each input otherwise, exactly as for one that does not exist.
 */
export async function checkCredentialRefs(graph: Graph, user: Who, before?: Graph): Promise<void> {
  const kept = new Set(before ? refsOf(before).map((r) => `${r.field}=${r.id}`) : []);
  const added = refsOf(graph).filter((r) => !kept.has(`${r.field}=${r.id}`));
  if (!added.length) return;
  const bad = await unusable([...new Set(added.map((r) => r.id))], [user]);
  const refused = added.filter((r) => bad.has(r.id));
  if (refused.length) throw refusal(refused);
}

/** Before a run: every referenced credential must exist and be usable by the starter or the process owner. */
export async function checkRunCredentials(graph: Graph, who: Who[], onlyNode?: string): Promise<void> {
  const refs = refsOf(graph).filter((r) => !onlyNode || r.field.split(".")[1] === onlyNode);
  if (!refs.length) return;
  const bad = await unusable([...new Set(refs.map((r) => r.id))], who);
  const refused = refs.filter((r) => bad.has(r.id));
  if (refused.length) throw refusal(refused);
}
