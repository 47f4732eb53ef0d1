import "server-only";
import { db } from "../../db";
import { env } from "../../env";
import { lineLogger } from "../../log";
import { decryptSecret } from "../../secrets";
import { ExpectedError, isUniqueViolation } from "../errors";
import { readRawBody } from "../http/read-body";
import { parseSettings } from "../sources/source-view";
import { drainHookQueue, enqueueHookSync } from "./hook-queue";
import { eventKind, isDeliveryId, pushConcerns, readDeliveryHeaders, readPush, verifySignature } from "./verify-delivery";

/** How long an accepted delivery id is remembered (a replay within it is refused by every instance). */
export const DELIVERY_MEMORY_MS = 7 * 24 * 3600_000;
/** Compared against when there is no source or secret, so an unknown source takes as long as a bad signature. */
const DUMMY_SECRET = "opsflow-no-such-webhook-secret";
const log = lineLogger({ component: "webhooks" });

export type HookAnswer =
  | { status: "pong" }
  | { status: "queued" | "coalesced"; source: string }
  | { status: "ignored"; reason: "ref" | "deleted" | "up-to-date"; source: string };

export interface ReceivedWebhook {
  httpStatus: 200 | 202;
  body: HookAnswer;
  /** The sync this delivery queued, settling when it has finished (tests, the benchmark); null when none. */
  drained: Promise<void> | null;
}

/**
 * POST /api/hooks/{source id}: a git host's webhook delivery. Not cookie-authenticated (the host's signature over
 * the raw body, with the source's webhook secret, is the authentication), so neither the same-origin rule nor a
 * session applies. In order: the body (at most WEBHOOK_MAX_BODY_BYTES: 413), the signature (an unknown source, a
 * source without a webhook secret, a missing or bad signature: the same 401, in the same time), the event (push;
 * GitHub's ping answers "pong"), the delivery id (a replay: 409), then the push: a ref the source does not follow,
 * a deleted ref or the commit already synced are accepted and do nothing; otherwise a sync of that source only is
 * queued (coalesced into one already queued: see hook-queue.ts). 202 at once: the sync runs in the background.
 */
export async function receiveWebhook(sourceRef: string, request: Request): Promise<ReceivedWebhook> {
  const body = await readRawBody(request, env.webhookMaxBodyBytes());
  const headers = readDeliveryHeaders(request.headers);
  const prisma = await db();
  const source = /^[\w-]{1,64}$/.test(sourceRef) ? await prisma.pluginSource.findUnique({ where: { id: sourceRef } }) : null;
  let secret: string | null = null;
  try {
    secret = source?.kind === "git" && source.webhookSecret ? decryptSecret(source.webhookSecret) : null;
  } catch {
    log("error", `the webhook secret of source ${source?.name} cannot be decrypted (APP_SECRET changed?): set it again`);
  }
  const valid = headers ? verifySignature(headers.host, headers.signature, secret ?? DUMMY_SECRET, body) : false;
  if (!source || !secret || !headers || !valid) throw new ExpectedError(401, "hooks.unauthorized");

  const kind = eventKind(headers.host, headers.event);
  if (kind === "ping") return { httpStatus: 200, body: { status: "pong" }, drained: null };
  if (!kind) throw new ExpectedError(400, "hooks.eventNotHandled", { event: (headers.event ?? "").slice(0, 64) });
  if (!isDeliveryId(headers.deliveryId)) throw new ExpectedError(400, "hooks.deliveryIdMissing");
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new ExpectedError(400, "errors.malformedJson");
  }
  const push = readPush(payload);
  if (!push) throw new ExpectedError(400, "hooks.notAPush");
  await remember(source.id, headers.host, headers.deliveryId);
  if (!source.enabled) throw new ExpectedError(409, "hooks.sourceDisabled", { name: source.name });

  const settings = parseSettings(source) as { ref?: string };
  const ignored = (reason: "ref" | "deleted" | "up-to-date"): ReceivedWebhook => ({ httpStatus: 202, body: { status: "ignored", reason, source: source.name }, drained: null });
  if (!settings.ref || !pushConcerns(settings.ref, push.ref)) return ignored("ref");
  if (/^0+$/.test(push.after)) return ignored("deleted");
  if ((await lastSyncedRevision(source.name)) === push.after) return ignored("up-to-date");
  const enqueued = await enqueueHookSync(source.id, push.after);
  log("info", `webhook of source ${source.name} (${headers.host} delivery ${headers.deliveryId}, ${push.ref} → ${push.after.slice(0, 12)}): ${enqueued}`);
  const drained = enqueued === "queued" ? drainHookQueue(source.id, source.name) : null;
  return { httpStatus: 202, body: { status: enqueued, source: source.name }, drained };
}

/** Records the delivery id (expired ones go first); one seen before is a replay: 409. */
async function remember(sourceId: string, host: string, deliveryId: string): Promise<void> {
  const prisma = await db();
  await prisma.webhookDelivery.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  try {
    await prisma.webhookDelivery.create({ data: { sourceId, host, deliveryId, expiresAt: new Date(Date.now() + DELIVERY_MEMORY_MS) } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ExpectedError(409, "hooks.replayed");
    throw err;
  }
}

/** The commit the source's last successful (non-dry) sync fetched, if any. */
async function lastSyncedRevision(name: string): Promise<string | null> {
  const row = await (await db()).syncSourceResult.findFirst({
    where: { sourceName: name, status: { in: ["succeeded", "reused", "partial"] }, run: { dryRun: false, status: { not: "running" } } },
    orderBy: { run: { startedAt: "desc" } },
    select: { revision: true },
  });
  return row?.revision?.toLowerCase() ?? null;
}
