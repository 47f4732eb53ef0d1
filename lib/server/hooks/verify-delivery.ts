import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * What each git host sends with a webhook delivery, and how its signature is checked (as the hosts document it):
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, `X-GitHub-Event`, `X-GitHub-Delivery`;
 * - Gitea / Forgejo: `X-Gitea-Signature: <hex HMAC-SHA256 of the raw body>`, `X-Gitea-Event`, `X-Gitea-Delivery`
 *   (they send GitHub's headers too: theirs are read first);
 * - GitLab: `X-Gitlab-Token: <the secret itself>`, `X-Gitlab-Event`, `X-Gitlab-Event-UUID`.
 * Every comparison is constant-time. Pure functions: no database, no logging.
 */
export type HookHost = "github" | "gitea" | "gitlab";

export interface DeliveryHeaders {
  host: HookHost;
  signature: string;
  event: string | null;
  deliveryId: string | null;
}

/** The host whose signature header the request carries, or null (then it is refused like a bad signature). */
export function readDeliveryHeaders(h: Headers): DeliveryHeaders | null {
  const gitea = h.get("x-gitea-signature");
  if (gitea !== null) return { host: "gitea", signature: gitea, event: h.get("x-gitea-event"), deliveryId: h.get("x-gitea-delivery") };
  const github = h.get("x-hub-signature-256");
  if (github !== null) return { host: "github", signature: github, event: h.get("x-github-event"), deliveryId: h.get("x-github-delivery") };
  const gitlab = h.get("x-gitlab-token");
  if (gitlab !== null) return { host: "gitlab", signature: gitlab, event: h.get("x-gitlab-event"), deliveryId: h.get("x-gitlab-event-uuid") };
  return null;
}

const hmac = (secret: string, body: Buffer) => createHmac("sha256", secret).update(body).digest();
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Whether `signature` is the host's signature of `body` with `secret`. */
export function verifySignature(host: HookHost, signature: string, secret: string, body: Buffer): boolean {
  if (host === "gitlab") return timingSafeEqual(sha256(signature), sha256(secret)); // equal length, whatever was sent
  const hex = host === "github" ? /^sha256=([0-9a-f]{64})$/i.exec(signature)?.[1] : /^([0-9a-f]{64})$/i.exec(signature)?.[1];
  const expected = hmac(secret, body);
  // A malformed header is still compared (against itself): the time taken says nothing about the secret.
  const given = hex ? Buffer.from(hex, "hex") : Buffer.alloc(expected.length);
  return timingSafeEqual(given, expected) && hex !== undefined;
}

/** "push" (a branch or tag push), "ping" (GitHub's hook test) or null (an event this route does not handle). */
export function eventKind(host: HookHost, event: string | null): "push" | "ping" | null {
  if (host === "github") return event === "push" ? "push" : event === "ping" ? "ping" : null;
  if (host === "gitea") return event === "push" ? "push" : null;
  return event === "Push Hook" || event === "Tag Push Hook" ? "push" : null;
}

/** A delivery id as hosts make them (UUIDs, GUIDs): 1–128 characters of [A-Za-z0-9._:-]. */
export const isDeliveryId = (id: string | null): id is string => id !== null && /^[\w.:-]{1,128}$/.test(id);

/** The pushed ref and the commit it now points at (all zeros: the ref was deleted), from any of the three hosts. */
export function readPush(payload: unknown): { ref: string; after: string } | null {
  if (!payload || typeof payload !== "object") return null;
  const { ref, after } = payload as { ref?: unknown; after?: unknown };
  if (typeof ref !== "string" || typeof after !== "string" || !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(after)) return null;
  return { ref, after: after.toLowerCase() };
}

/** Whether a push of `pushedRef` can change a source that follows `sourceRef` (a branch, a tag, or a pinned commit). */
export function pushConcerns(sourceRef: string, pushedRef: string): boolean {
  if (/^[0-9a-f]{40}$/i.test(sourceRef)) return false; // a pinned commit never moves
  return pushedRef === sourceRef || pushedRef === `refs/heads/${sourceRef}` || pushedRef === `refs/tags/${sourceRef}`;
}
