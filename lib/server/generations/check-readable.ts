import "server-only";
import { firstLine } from "../../errors";
import { readManifest } from "../../plugins/sync/manifest";
import { servesVerified } from "../runtime/runtime";
import { openOwnCache } from "../cache/check-cache-owner";

/**
 * Why generation `id` cannot be loaded now, or null when it can: this process serves (or holds) a verified copy of
 * it, or the cache gives its manifest (a cache that answers lists the files: what a load reads next). Checked
 * before an activation, so one made during a cache outage is refused instead of leaving every instance without it.
 */
export async function whyUnreadable(id: number): Promise<string | null> {
  if (servesVerified(id)) return null;
  try {
    await readManifest(await openOwnCache(), id);
    return null;
  } catch (err) {
    return firstLine(err);
  }
}
