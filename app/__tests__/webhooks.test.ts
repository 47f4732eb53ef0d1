import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as hookApi from "@/app/api/hooks/[source]/route";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import { startGitServer, type GitServer } from "@/lib/plugins/__fixtures__/git-server";
import { captureLogs } from "@/lib/log";
import { acquireLease, releaseLease } from "@/lib/server/sync/lease";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";

/**
 * Sync on push: POST /api/hooks/{source id} with deliveries signed as GitHub, GitLab and Gitea sign them (computed
 * here from the hosts' documentation), against a real git server (`git http-backend`) and real syncs.
 */

const SECRET = "whsec-0123456789abcdef-test";
const EXAMPLES = path.resolve("examples/plugins");

function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readTree(p, base, out);
    else out[path.relative(base, p)] = fs.readFileSync(p, "utf8");
  }
  return out;
}

type Host = "github" | "gitlab" | "gitea";
const hex = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

/** A delivery as the host sends it: its headers, its signature over the exact bytes of the body. */
function delivery(host: Host, body: string, opts: { secret?: string; event?: string; id?: string; signature?: string } = {}): Record<string, string> {
  const secret = opts.secret ?? SECRET;
  const id = opts.id ?? randomUUID();
  if (host === "github") {
    return { "x-github-event": opts.event ?? "push", "x-github-delivery": id, "x-hub-signature-256": opts.signature ?? `sha256=${hex(secret, body)}` };
  }
  if (host === "gitea") {
    // Gitea and Forgejo send GitHub's headers as well (with the same HMAC): theirs are the ones checked.
    return {
      "x-gitea-event": opts.event ?? "push",
      "x-gitea-delivery": id,
      "x-gitea-signature": opts.signature ?? hex(secret, body),
      "x-github-event": opts.event ?? "push",
      "x-github-delivery": id,
      "x-hub-signature-256": `sha256=${hex(secret, body)}`,
    };
  }
  return { "x-gitlab-event": opts.event ?? "Push Hook", "x-gitlab-event-uuid": id, "x-gitlab-token": opts.signature ?? secret };
}

const pushBody = (after: string, ref = "refs/heads/main") => JSON.stringify({ ref, before: "0".repeat(40), after, repository: { name: "plugins" } });

/** What a git host sends: no cookie, another origin's headers are irrelevant (it is no browser). */
async function deliver(sourceId: string, body: string, headers: Record<string, string>) {
  const request = new Request(`http://localhost/api/hooks/${sourceId}`, { method: "POST", body, headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/test", ...headers } });
  const res = await hookApi.POST(request, { params: Promise.resolve({ source: sourceId }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let git: GitServer;
let repoUrl: string;
let sourceId: string;
let head: string;

beforeAll(async () => {
  process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-hooks-"));
  database = await createTestDatabase();
  git = await startGitServer();
  const repo = await git.createRepo("plugins", readTree(EXAMPLES));
  repoUrl = repo.url;
  head = repo.commits[0];
  await signInAs("admin");
  const res = await sourcesApi.POST(
    jsonRequest("POST", "/api/sources", {
      name: "pushed",
      kind: "git",
      url: repoUrl,
      ref: "main",
      webhookSecret: SECRET,
      pluginSets: [{ submodule: "custom_plugins", version: "1.0.0", importModules: "custom_plugins.collections.test1" }],
    }),
    routeCtx(),
  );
  expect(res.status).toBe(201);
  sourceId = ((await res.json()) as { id: string }).id;
  signOut();
}, 60_000);
afterAll(async () => {
  delete process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE;
  await git.close();
  await database.close();
});

/** Every webhook sync finished and nothing queued: the count of webhook runs is final. */
async function settled(): Promise<number> {
  await expect
    .poll(
      async () => {
        const running = await database.prisma.syncRun.count({ where: { status: "running" } });
        const queued = await database.prisma.webhookState.count({ where: { queuedAt: { not: null } } });
        return running + queued;
      },
      { timeout: 60_000, interval: 50 },
    )
    .toBe(0);
  return database.prisma.syncRun.count({ where: { trigger: "webhook" } });
}

beforeEach(async () => {
  await settled();
});

describe("the webhook secret", () => {
  it("is write-only: never in an answer, encrypted at rest, kept when blank, cleared by the checkbox", async () => {
    await signInAs("admin");
    const get = await sourceApi.GET(jsonRequest("GET", `/api/sources/${sourceId}`), routeCtx({ id: sourceId }));
    const text = await get.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ webhookSecretSet: true });
    const row = await database.prisma.pluginSource.findUniqueOrThrow({ where: { id: sourceId } });
    expect(row.webhookSecret).toBeTruthy();
    expect(row.webhookSecret).not.toContain(SECRET);
    const base = { name: "other", kind: "git", url: repoUrl, ref: "main", pluginSets: [] };
    const created = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { ...base, webhookSecret: "short" }), routeCtx());
    expect(created.status).toBe(422);
    expect(((await created.json()) as { fieldErrors: Record<string, string> }).fieldErrors.webhookSecret).toMatch(/16 characters/);
    const fsSource = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { name: "fs-hook", kind: "fs", path: "/srv", pluginSets: [], webhookSecret: SECRET }), routeCtx());
    expect(fsSource.status).toBe(422);
    const ok = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { ...base, webhookSecret: SECRET }), routeCtx());
    const id = ((await ok.json()) as { id: string }).id;
    const put = (extra: object) => sourceApi.PUT(jsonRequest("PUT", `/api/sources/${id}`, { ...base, ...extra }), routeCtx({ id }));
    expect(await (await put({})).json()).toMatchObject({ webhookSecretSet: true }); // blank keeps
    expect(await (await put({ clearWebhookSecret: true })).json()).toMatchObject({ webhookSecretSet: false });
    const audit = await database.prisma.auditEvent.findMany({ where: { targetId: id } });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(audit.map((a) => (a.summary as { webhookSecret?: string }).webhookSecret).filter(Boolean)).toEqual(["cleared"]);
    // A source with no secret refuses every delivery, signed or not, like an unknown one.
    const body = pushBody(head);
    const refused = await deliver(id, body, delivery("github", body));
    const unknown = await deliver("no-such-source", body, delivery("github", body));
    expect(refused).toEqual({ status: 401, body: { error: "Unknown source or bad signature." } });
    expect(unknown).toEqual(refused);
    await sourceApi.DELETE(jsonRequest("DELETE", `/api/sources/${id}`), routeCtx({ id }));
    signOut();
  });
});

describe("deliveries", () => {
  it.each(["github", "gitlab", "gitea"] as const)("a push signed as %s starts a sync of that source, and the new commit is served", async (host) => {
    const before = await settled();
    const sha = await git.commit("plugins", { [`custom_plugins/${host}.txt`]: host });
    const body = pushBody(sha);
    const res = await deliver(sourceId, body, delivery(host, body));
    expect(res).toEqual({ status: 202, body: { status: "queued", source: "pushed" } });
    expect(await settled()).toBe(before + 1);
    const run = await database.prisma.syncRun.findFirstOrThrow({ where: { trigger: "webhook" }, orderBy: { startedAt: "desc" }, include: { results: true } });
    expect(run).toMatchObject({ status: "succeeded", onlySources: ["pushed"], actor: "webhook" });
    expect(run.results.map((s) => [s.sourceName, s.revision])).toEqual([["pushed", sha]]);
    head = sha;
  }, 60_000);

  it.each(["github", "gitlab", "gitea"] as const)("refuses a %s delivery with a bad signature or another secret, the same 401 as an unknown source", async (host) => {
    const runs = await settled();
    const remembered = await database.prisma.webhookDelivery.count();
    const body = pushBody("a".repeat(40));
    const wrongSecret = await deliver(sourceId, body, delivery(host, body, { secret: "another-secret-0123456789" }));
    const garbage = await deliver(sourceId, body, delivery(host, body, { signature: "sha256=zz" }));
    const empty = await deliver(sourceId, body, delivery(host, body, { signature: "" }));
    const unknown = await deliver("ckunknownsource000000000", body, delivery(host, body));
    const refused = [wrongSecret, garbage, empty, unknown];
    // GitHub and Gitea sign the body: a changed byte fails. GitLab's token authenticates the sender only.
    if (host !== "gitlab") refused.push(await deliver(sourceId, body.replace("plugins", "plugin5"), delivery(host, body)));
    for (const r of refused) expect(r).toEqual({ status: 401, body: { error: "Unknown source or bad signature." } });
    expect(await settled()).toBe(runs);
    expect(await database.prisma.webhookDelivery.count()).toBe(remembered); // nothing of theirs is stored
  });

  it("refuses an unsigned delivery, a replay (same delivery id), a non-push event and an oversized body", async () => {
    const body = pushBody("b".repeat(40));
    expect((await deliver(sourceId, body, { "x-github-event": "push", "x-github-delivery": randomUUID() })).status).toBe(401);
    const headers = delivery("github", body, { id: "replayed-delivery-1" });
    // Up to date or not, the first is accepted; the same delivery again is a replay on every instance (the DB).
    const first = await deliver(sourceId, pushBody(head), delivery("github", pushBody(head), { id: "replayed-delivery-1" }));
    expect(first).toEqual({ status: 202, body: { status: "ignored", reason: "up-to-date", source: "pushed" } });
    const replay = await deliver(sourceId, body, headers);
    expect(replay).toEqual({ status: 409, body: { error: "This delivery was already received." } });
    // Remembered with an expiry: once it has passed, the id is forgotten (and the row removed).
    await database.prisma.webhookDelivery.updateMany({ where: { deliveryId: "replayed-delivery-1" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const again = await deliver(sourceId, pushBody(head), delivery("github", pushBody(head), { id: "replayed-delivery-1" }));
    expect(again.status).toBe(202);
    expect(await database.prisma.webhookDelivery.count({ where: { deliveryId: "replayed-delivery-1", expiresAt: { lt: new Date() } } })).toBe(0);
    const issue = JSON.stringify({ action: "opened" });
    expect(await deliver(sourceId, issue, delivery("github", issue, { event: "issues" }))).toEqual({ status: 400, body: { error: "Event “issues” is not handled: send push events only." } });
    expect(await deliver(sourceId, issue, delivery("gitlab", issue, { event: "Issue Hook" }))).toMatchObject({ status: 400 });
    const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    expect(await deliver(sourceId, ping, delivery("github", ping, { event: "ping" }))).toEqual({ status: 200, body: { status: "pong" } });
    const big = JSON.stringify({ ref: "refs/heads/main", after: "c".repeat(40), pad: "x".repeat(1_100_000) });
    expect(await deliver(sourceId, big, delivery("github", big))).toMatchObject({ status: 413 });
    const noId = delivery("github", body);
    delete noId["x-github-delivery"];
    expect(await deliver(sourceId, body, noId)).toEqual({ status: 400, body: { error: "The delivery has no delivery id header." } });
    expect(await settled()).toBe(await database.prisma.syncRun.count({ where: { trigger: "webhook" } }));
  });

  it("ignores a push of another branch, a deleted branch and the commit already synced (accepted, no sync)", async () => {
    const before = await settled();
    const other = pushBody("d".repeat(40), "refs/heads/feature");
    expect((await deliver(sourceId, other, delivery("gitea", other))).body).toEqual({ status: "ignored", reason: "ref", source: "pushed" });
    const deleted = pushBody("0".repeat(40));
    expect((await deliver(sourceId, deleted, delivery("gitlab", deleted))).body).toEqual({ status: "ignored", reason: "deleted", source: "pushed" });
    const same = pushBody(head);
    expect((await deliver(sourceId, same, delivery("github", same))).body).toEqual({ status: "ignored", reason: "up-to-date", source: "pushed" });
    expect(await settled()).toBe(before);
  });

  it("a flood of valid deliveries of one push starts exactly one sync", async () => {
    const before = await settled();
    const sha = await git.commit("plugins", { "custom_plugins/flood.txt": "flood" });
    const body = pushBody(sha);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => deliver(sourceId, body, delivery((["github", "gitlab", "gitea"] as const)[i % 3], body))));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(answers.filter((a) => a.body.status === "queued")).toHaveLength(1);
    expect(await settled()).toBe(before + 1);
    head = sha;
  }, 60_000);

  it("deliveries of new commits while a sync is busy queue one more sync, not one each", async () => {
    const before = await settled();
    // Another sync holds the lease: the queued one waits for it.
    const prisma = database.prisma;
    expect(await acquireLease(prisma, "test-holder")).not.toBeNull();
    let last = head;
    const answers = [];
    for (let i = 0; i < 5; i++) {
      last = await git.commit("plugins", { "custom_plugins/burst.txt": String(i) });
      const body = pushBody(last);
      answers.push(await deliver(sourceId, body, delivery("github", body)));
    }
    expect(answers.map((a) => a.body.status)).toEqual(["queued", "coalesced", "coalesced", "coalesced", "coalesced"]);
    await releaseLease(prisma, "test-holder");
    expect(await settled()).toBe(before + 1);
    // The one sync fetched the branch as it is now: the last commit.
    const run = await prisma.syncRun.findFirstOrThrow({ where: { trigger: "webhook" }, orderBy: { startedAt: "desc" }, include: { results: true } });
    expect(run.results[0].revision).toBe(last);
    head = last;
  }, 60_000);

  it("never writes the secret or a signature to the process log or a run's log", async () => {
    const logs = captureLogs("debug");
    try {
      const sha = await git.commit("plugins", { "custom_plugins/logged.txt": "logged" });
      const body = pushBody(sha);
      const headers = delivery("github", body);
      expect((await deliver(sourceId, body, headers)).body.status).toBe("queued");
      await deliver(sourceId, body, delivery("gitlab", body, { secret: `${SECRET}-wrong` }));
      await settled();
      head = sha;
      const raw = logs.raw();
      expect(raw).toContain("webhook of source pushed");
      for (const secret of [SECRET, headers["x-hub-signature-256"].slice(7)]) {
        expect(raw).not.toContain(secret);
        expect(JSON.stringify(await database.prisma.syncLog.findMany())).not.toContain(secret);
      }
    } finally {
      logs.stop();
    }
  }, 60_000);
});
