import "server-only";
import { db } from "../../db";
import { firstLine } from "../../errors";
import { lineLogger } from "../../log";
import { startSync, SyncBusyError } from "../sync/start-sync";

/**
 * The webhook queue of a source, in the database so every instance agrees (WebhookState): at most one sync
 * queued besides the one running. A delivery queues one only when none is queued and the pushed commit is not the
 * one already queued or being synced; any other delivery is coalesced into it. So a flood of deliveries starts one
 * sync (and at most one more when a new commit arrives while it runs), never one each. A queue entry or a
 * request older than STALE_MS (its instance died) no longer blocks.
 */
const STALE_MS = 10 * 60_000;
const log = lineLogger({ component: "webhooks" });

export type Enqueued = "queued" | "coalesced";

export async function enqueueHookSync(sourceId: string, after: string): Promise<Enqueued> {
  const prisma = await db();
  const stale = STALE_MS / 1000;
  const rows = await prisma.$queryRaw<{ sourceId: string }[]>`
    INSERT INTO "WebhookState" ("sourceId", "queuedAt", "requested", "updatedAt") VALUES (${sourceId}, now(), ${after}, now())
    ON CONFLICT ("sourceId") DO UPDATE SET "queuedAt" = now(), "requested" = EXCLUDED."requested", "updatedAt" = now()
     WHERE ("WebhookState"."queuedAt" IS NULL
            AND ("WebhookState"."requested" IS DISTINCT FROM EXCLUDED."requested" OR "WebhookState"."updatedAt" < now() - make_interval(secs => ${stale}::float8)))
        OR "WebhookState"."queuedAt" < now() - make_interval(secs => ${stale}::float8)
    RETURNING "sourceId"`;
  return rows.length ? "queued" : "coalesced";
}

/**
 * Starts the queued sync of one source (its sets only, activated when it makes a generation) as soon as the sync
 * lease is free, then takes it off the queue: a delivery from then on queues the next one. In the background of
 * the instance that queued it; never throws (a failure is logged and recorded on the run).
 */
export async function drainHookQueue(sourceId: string, name: string, waitMs = 200): Promise<void> {
  const prisma = await db();
  const deadline = Date.now() + STALE_MS;
  for (;;) {
    try {
      const { runId, done } = await startSync({ trigger: "webhook", actor: "webhook", only: [name], activate: true });
      const taken = await prisma.$queryRaw<{ requested: string | null }[]>`
        UPDATE "WebhookState" SET "queuedAt" = NULL, "updatedAt" = now() WHERE "sourceId" = ${sourceId} RETURNING "requested"`;
      log("info", `webhook of source ${name}: sync run ${runId} started`);
      const outcome = await done;
      // A failed sync lets the same commit be queued again (a delivery redone by hand); after a good one the commit
      // stays "requested", so a late delivery of it is coalesced even before the run's revision is recorded.
      const ranFor = taken[0]?.requested ?? null;
      if (ranFor && (!outcome || outcome.runStatus === "failed")) {
        await prisma.$executeRaw`
          UPDATE "WebhookState" SET "requested" = NULL, "updatedAt" = now()
           WHERE "sourceId" = ${sourceId} AND "queuedAt" IS NULL AND "requested" = ${ranFor}`;
      }
      return;
    } catch (err) {
      if (err instanceof SyncBusyError && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, waitMs));
        waitMs = Math.min(2000, waitMs * 1.5);
        continue;
      }
      log("error", `webhook of source ${name}: the sync could not start: ${firstLine(err)}`);
      await prisma.webhookState.updateMany({ where: { sourceId }, data: { queuedAt: null } }).catch(() => undefined);
      return;
    }
  }
}
