import "server-only";
import fs from "node:fs/promises";
import { readEnv } from "../../env";
import { firstLine } from "../../errors";
import { logger } from "../../log";

/**
 * SYNC_CA_FILE's certificates (PEM), added to the default roots by the fetchers and the S3 cache's client. NODE_EXTRA_CA_CERTS is part of
 * Node's default roots, but not of the bundle an agent gets once `ca` is given on Node 20: it is added here too
 * (unreadable, it is skipped with a WARN line, as Node itself only warns about it).
 */
export async function extraCa(): Promise<string | undefined> {
  const { SYNC_CA_FILE: file, NODE_EXTRA_CA_CERTS: nodeExtra } = readEnv();
  if (!file) return undefined;
  let ca: string;
  try {
    ca = await fs.readFile(file, "utf8");
  } catch (err) {
    throw new Error(`SYNC_CA_FILE: cannot read ${file} (${firstLine(err)})`);
  }
  if (!nodeExtra) return ca;
  try {
    return `${ca}\n${await fs.readFile(nodeExtra, "utf8")}`;
  } catch (err) {
    logger.warn(`NODE_EXTRA_CA_CERTS: cannot read ${nodeExtra} (${firstLine(err)}); syncing with SYNC_CA_FILE and the default roots`);
    return ca;
  }
}
