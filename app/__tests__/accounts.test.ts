import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as usersApi from "@/app/api/users/route";
import * as userApi from "@/app/api/users/[id]/route";
import * as revokeApi from "@/app/api/users/[id]/sessions/revoke/route";
import * as passwordApi from "@/app/api/account/password/route";
import * as sourcesApi from "@/app/api/sources/route";
import { loginAction, logoutAction, setLocaleAction } from "@/app/actions/session";
import { changePasswordAction } from "@/app/account/actions";
import { revokeUserSessionsAction, updateUserAction } from "@/app/(admin)/users/actions";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { hashPassword } from "@/lib/auth/password";
import { pageUser } from "@/lib/server/auth/page-guard";
import { bootstrap } from "@/lib/server/bootstrap";
import { updateUser } from "@/lib/server/users/update-user";
import { jsonRequest, routeCtx, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { testCookies } from "@/lib/test/request";
import en from "@/messages/en.json";

/**
 * Accounts and sessions: signing out, a password change, a reset, a role change, "sign out everywhere" and a
 * deletion end the user's sessions at once; the last admin stays; a generated or reset password must be changed
 * before anything else. Sessions are real: cookies made by the sign-in action, kept and replayed like a browser.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.prisma.auditEvent.deleteMany({});
  await database.prisma.user.deleteMany({});
  signOut();
});

const v = (key: keyof typeof en.validation) => en.validation[key];
let n = 0;
/** A user with a known password. */
async function user(role: "admin" | "member", password = "correct-horse-battery") {
  const username = `${role}${++n}`;
  const row = await database.prisma.user.create({ data: { username, role, passwordHash: await hashPassword(password) } });
  return { ...row, password };
}
/** Signs in through the real action; returns the session cookie that browser now holds. */
async function signIn(u: { username: string; password: string }): Promise<string> {
  testCookies.delete(SESSION_COOKIE);
  const result = await loginAction({ username: u.username, password: u.password });
  if (!result.ok) throw new Error(`sign-in failed: ${result.error}`);
  return testCookies.get(SESSION_COOKIE)!.value;
}
/** The status GET /api/users (admin) or GET /api/sources answers to a browser holding `cookie`. */
async function statusWith(cookie: string, handler = usersApi.GET): Promise<number> {
  testCookies.set(SESSION_COOKIE, cookie);
  return (await handler(jsonRequest("GET", "/api/x"), routeCtx())).status;
}
const as = (cookie: string) => testCookies.set(SESSION_COOKIE, cookie);
const audit = async () => (await database.prisma.auditEvent.findMany({ orderBy: { createdAt: "asc" } })).map((e) => ({ action: e.action, actor: e.actor, target: e.targetName, summary: e.summary }));

describe("signing out", () => {
  it("refuses the old cookie (401) at once, and every other session of that user too", async () => {
    const admin = await user("admin");
    const laptop = await signIn(admin);
    const phone = await signIn(admin);
    expect(await statusWith(laptop)).toBe(200);
    as(laptop);
    await logoutAction();
    expect(testCookies.get(SESSION_COOKIE)?.value ?? "").toBe("");
    expect(await statusWith(laptop)).toBe(401);
    expect(await statusWith(phone)).toBe(401);
    expect(await statusWith(await signIn(admin))).toBe(200); // signing in again works
  });

  it("a stale cookie cannot sign the user's fresh sessions out", async () => {
    const admin = await user("admin");
    const old = await signIn(admin);
    as(old);
    await logoutAction();
    const fresh = await signIn(admin);
    as(old);
    await logoutAction();
    expect(await statusWith(fresh)).toBe(200);
  });
});

describe("changing one's own password", () => {
  it("needs the current password and a strong new one; then the other sessions end and this one stays", async () => {
    const admin = await user("admin");
    const other = await signIn(admin);
    const here = await signIn(admin);
    const put = (body: unknown) => passwordApi.PUT(jsonRequest("PUT", "/api/account/password", body), routeCtx());

    as(here);
    const wrong = await put({ currentPassword: "nope", newPassword: "a-new-and-long-password" });
    expect(wrong.status).toBe(422);
    expect((await wrong.json()).fieldErrors).toEqual({ currentPassword: en.errors.currentPasswordWrong });
    for (const [newPassword, key] of [["short", "password_short"], ["aaaaaaaaaaaaaaa", "password_weak"], ["password1234", "password_weak"], [admin.password, "password_same"], [`x${admin.username}-secret-1`, "password_username"], ["é".repeat(37), "password_long"]] as const) {
      const res = await put({ currentPassword: admin.password, newPassword });
      expect(res.status, newPassword).toBe(422);
      expect((await res.json()).fieldErrors, newPassword).toEqual({ newPassword: v(key) });
    }
    expect(await statusWith(other)).toBe(200); // nothing happened yet

    as(here);
    const ok = await put({ currentPassword: admin.password, newPassword: "a-new-and-long-password" });
    expect(ok.status).toBe(200);
    const renewed = testCookies.get(SESSION_COOKIE)!.value;
    expect(await statusWith(other)).toBe(401);
    expect(await statusWith(here)).toBe(401); // the cookie it replaced
    expect(await statusWith(renewed)).toBe(200);
    signOut();
    expect(await loginAction({ username: admin.username, password: admin.password })).toMatchObject({ ok: false, status: 401 });
    expect(await loginAction({ username: admin.username, password: "a-new-and-long-password" })).toMatchObject({ ok: true });
    expect(await audit()).toEqual([{ action: "user.password_change", actor: admin.username, target: admin.username, summary: { wasRequired: false } }]);
    expect(JSON.stringify(await audit())).not.toContain("a-new-and-long-password");
  });

  it("works for members too, through the server action", async () => {
    const member = await user("member");
    as(await signIn(member));
    expect(await changePasswordAction({ currentPassword: member.password, newPassword: "members-own-password" })).toMatchObject({ ok: true });
    expect(await statusWith(testCookies.get(SESSION_COOKIE)!.value, sourcesApi.GET)).toBe(403); // signed in, still a member
  });
});

describe("an admin managing users", () => {
  it("role change: PATCH ends the user's sessions at once, and is audited", async () => {
    const admin = await user("admin");
    const member = await user("member");
    const memberSession = await signIn(member);
    as(await signIn(admin));
    const res = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${member.id}`, { role: "admin" }), routeCtx({ id: member.id }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: member.id, role: "admin", mustChangePassword: false });
    expect(await statusWith(memberSession)).toBe(401);
    expect(await statusWith(await signIn(member))).toBe(200); // as an admin now
    expect(await audit()).toEqual([{ action: "user.role_change", actor: admin.username, target: member.username, summary: { role: { from: "member", to: "admin" } } }]);
  });

  it("the last admin can never be demoted or deleted; with a second admin, demotion works", async () => {
    const admin = await user("admin");
    const session = await signIn(admin);
    as(session);
    const demote = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${admin.id}`, { role: "member" }), routeCtx({ id: admin.id }));
    expect(demote.status).toBe(409);
    expect(await demote.json()).toEqual({ error: en.errors.lastAdmin });
    expect(await updateUserAction(admin.id, { role: "member" })).toMatchObject({ ok: false, status: 409, error: en.errors.lastAdmin });
    const del = await userApi.DELETE(jsonRequest("DELETE", `/api/users/${admin.id}`), routeCtx({ id: admin.id }));
    expect(del.status).toBe(409);
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
    expect(await statusWith(session)).toBe(200); // a refused change ends no session

    const second = await user("admin");
    as(session);
    expect((await userApi.PATCH(jsonRequest("PATCH", `/api/users/${second.id}`, { role: "member" }), routeCtx({ id: second.id }))).status).toBe(200);
    // Demoting yourself is allowed while another admin remains — here none does.
    expect((await userApi.PATCH(jsonRequest("PATCH", `/api/users/${admin.id}`, { role: "member" }), routeCtx({ id: admin.id }))).status).toBe(409);
  });

  it("concurrent demotions of the only two admins leave one admin", async () => {
    const a = await user("admin");
    const b = await user("admin");
    // Each demotes the other at the same moment (the operation itself: one cookie jar cannot hold two sessions).
    const results = await Promise.allSettled([updateUser(b.id, { role: "member" }, a), updateUser(a.id, { role: "member" }, b)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { status: 409, key: "errors.lastAdmin" } });
    expect(await database.prisma.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("reset: the user's sessions end, the new password works once and must then be changed", async () => {
    const admin = await user("admin");
    const member = await user("member");
    const memberSession = await signIn(member);
    as(await signIn(admin));
    const weak = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${member.id}`, { password: "short" }), routeCtx({ id: member.id }));
    expect(weak.status).toBe(422);
    expect((await weak.json()).fieldErrors).toEqual({ password: v("password_short") });
    const named = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${member.id}`, { password: `${member.username}-is-me` }), routeCtx({ id: member.id }));
    expect((await named.json()).fieldErrors).toEqual({ password: v("password_username") });
    expect((await userApi.PATCH(jsonRequest("PATCH", `/api/users/${member.id}`, {}), routeCtx({ id: member.id }))).status).toBe(422);
    const own = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${admin.id}`, { password: "admins-new-password" }), routeCtx({ id: admin.id }));
    expect(own.status).toBe(409);
    expect(await own.json()).toEqual({ error: en.errors.resetOwnPassword });

    const res = await userApi.PATCH(jsonRequest("PATCH", `/api/users/${member.id}`, { password: "temporary-password-7" }), routeCtx({ id: member.id }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ mustChangePassword: true });
    expect(await statusWith(memberSession, sourcesApi.GET)).toBe(401);

    // The member signs in with it: told to change it, and refused everything else until then.
    signOut();
    expect(await loginAction({ username: member.username, password: "temporary-password-7" })).toEqual({ ok: true, data: { role: "member", mustChangePassword: true } });
    const forced = testCookies.get(SESSION_COOKIE)!.value;
    const refused = await (await import("@/app/api/processes/route")).GET(jsonRequest("GET", "/api/processes"), routeCtx());
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: en.errors.passwordChangeRequired });
    await expect(pageUser("member")).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;replace;\/account\/password;/) });
    expect(await setLocaleAction("zh-CN")).toMatchObject({ ok: true }); // the language can still be chosen
    as(forced);
    expect(await changePasswordAction({ currentPassword: "temporary-password-7", newPassword: "my-very-own-password" })).toMatchObject({ ok: true });
    expect(await (await import("@/app/api/processes/route")).GET(jsonRequest("GET", "/api/processes"), routeCtx())).toMatchObject({ status: 200 });
    expect((await audit()).map((e) => e.action)).toEqual(["user.password_reset", "user.password_change"]);
    expect((await audit())[1].summary).toEqual({ wasRequired: true });
  });

  it("sign out everywhere: every session of the user ends at once; the password stays", async () => {
    const admin = await user("admin");
    const member = await user("member");
    const one = await signIn(member);
    const two = await signIn(member);
    as(await signIn(admin));
    expect((await revokeApi.POST(jsonRequest("POST", `/api/users/${member.id}/sessions/revoke`), routeCtx({ id: member.id }))).status).toBe(200);
    expect(await statusWith(one, sourcesApi.GET)).toBe(401);
    expect(await statusWith(two, sourcesApi.GET)).toBe(401);
    expect(await statusWith(await signIn(member), sourcesApi.GET)).toBe(403); // signs in again with the same password
    as(await signIn(admin));
    expect(await revokeUserSessionsAction("nobody")).toMatchObject({ ok: false, status: 404 });
    expect((await audit()).map((e) => [e.action, e.target])).toEqual([["user.sessions_revoke", member.username]]);
  });

  it("deletion: the user's sessions end at once", async () => {
    const admin = await user("admin");
    const member = await user("member");
    const session = await signIn(member);
    as(await signIn(admin));
    expect((await userApi.DELETE(jsonRequest("DELETE", `/api/users/${member.id}`), routeCtx({ id: member.id }))).status).toBe(200);
    expect(await statusWith(session, sourcesApi.GET)).toBe(401);
  });

  it("members cannot use any of it", async () => {
    const member = await user("member");
    const target = await user("member");
    as(await signIn(member));
    expect((await userApi.PATCH(jsonRequest("PATCH", `/api/users/${target.id}`, { role: "admin" }), routeCtx({ id: target.id }))).status).toBe(403);
    expect((await revokeApi.POST(jsonRequest("POST", `/api/users/${target.id}/sessions/revoke`), routeCtx({ id: target.id }))).status).toBe(403);
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("member");
  });
});

describe("the first admin's generated password", () => {
  it("must be changed at the first sign-in", async () => {
    const lines: string[] = [];
    process.env.ADMIN_PASSWORD = "";
    await bootstrap((line) => lines.push(line));
    const password = /with password: (\S+)/.exec(lines[0])?.[1];
    expect(password).toBeTruthy();
    expect(await loginAction({ username: "admin", password: password! })).toEqual({ ok: true, data: { role: "admin", mustChangePassword: true } });
    expect(await statusWith(testCookies.get(SESSION_COOKIE)!.value)).toBe(403);
    expect(await changePasswordAction({ currentPassword: password!, newPassword: "my-very-own-secret-99" })).toMatchObject({ ok: true });
    expect(await statusWith(testCookies.get(SESSION_COOKIE)!.value)).toBe(200);
  });

  it("is not required when the operator chose it (ADMIN_PASSWORD)", async () => {
    process.env.ADMIN_PASSWORD = "operator-chosen-password";
    try {
      await bootstrap(() => undefined);
      expect(await loginAction({ username: "admin", password: "operator-chosen-password" })).toEqual({ ok: true, data: { role: "admin", mustChangePassword: false } });
    } finally {
      delete process.env.ADMIN_PASSWORD;
    }
  });
});
