import { randomBytes } from "node:crypto";
import path from "node:path";
import { hashPassword } from "../auth/password";
import { db } from "../db";
import { env } from "../env";
import { recordAudit } from "./audit/record-audit";

/** The demo source seeded on first start outside production: examples/plugins, read from the file system. */
export const EXAMPLE_SOURCE = {
  name: "examples",
  kind: "fs" as const,
  description: "The reference plugin set shipped in examples/plugins (seeded on first start).",
  settings: { path: path.resolve("examples/plugins") },
  pluginSets: [
    {
      submodule: "custom_plugins",
      version: "1.0.0",
      importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"],
      position: 0,
    },
  ],
};

// Instances starting together on a new database take turns here; the first creates, the others find a user.
const LOCK_KEY = 72_917_004; // arbitrary, constant: "opsflow bootstrap" (see lib/server/users/admins.ts for the others)

/**
 * First start: create the admin from ADMIN_USERNAME/ADMIN_PASSWORD, or with a generated password printed once to
 * the log (which must be changed at the first sign-in); seed the example source when SEED_EXAMPLE_SOURCE allows.
 * Runs when no user exists, so a restart never prints or changes a password again. Safe when several instances
 * start at once on an empty database: under a transaction-scoped advisory lock, exactly one of them creates.
 */
export async function bootstrap(log: (line: string) => void = console.info): Promise<void> {
  const prisma = await db();
  if ((await prisma.user.count()) > 0) return;
  const username = env.adminUsername();
  const given = env.adminPassword();
  const password = given ?? randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password); // slow: outside the transaction
  const created = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
    if ((await tx.user.count()) > 0) return false; // another instance was first
    await tx.user.create({ data: { username, role: "admin", passwordHash, mustChangePassword: !given, passwordChangedAt: given ? new Date() : null } });
    await recordAudit(tx, { actor: "system", action: "user.create", targetType: "user", targetName: username, summary: { role: "admin", bootstrap: true } });
    if (env.seedExamples() && (await tx.pluginSource.count()) === 0) {
      const { pluginSets, ...source } = EXAMPLE_SOURCE;
      const row = await tx.pluginSource.create({ data: { ...source, pluginSets: { create: pluginSets } } });
      await recordAudit(tx, { actor: "system", action: "source.create", targetType: "source", targetId: row.id, targetName: row.name, summary: { seeded: true } });
    }
    return true;
  });
  if (!created) return;
  if (given) log(`[opsflow] created admin user "${username}" with the password from ADMIN_PASSWORD`);
  else log(`[opsflow] created admin user "${username}" with password: ${password}   (shown once; to be changed at the first sign-in)`);
}
