import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { markDatabaseDown } from "../../db/health";
import { databaseProblem } from "../../db/unavailable";
import { PATH_HEADER } from "../../http/request-headers";
import { findCurrentUser, type SessionUser } from "./current-user";

/**
 * The signed-in user for a page, or null. When the database turns out to be down, the page is not rendered as a
 * 500: the database is marked down and the same URL is asked again, which proxy.ts then answers with the 503
 * page (a page cannot set its own status; the proxy can).
 */
export async function pageSession(): Promise<SessionUser | null> {
  try {
    return await findCurrentUser();
  } catch (err) {
    const problem = databaseProblem(err);
    if (!problem) throw err;
    markDatabaseDown(problem);
    const path = (await headers()).get(PATH_HEADER);
    redirect(path && path.startsWith("/") && !path.startsWith("//") ? path : "/");
  }
}

/**
 * For pages: anonymous → redirect to the login page; a user who must change the password first → to that page;
 * signed in without the role → null (the page renders the forbidden view); otherwise the user. Every admin page
 * calls this itself: layouts do not re-run on navigation.
 */
export async function pageUser(role: "admin" | "member"): Promise<SessionUser | null> {
  const user = await pageSession();
  if (!user) redirect("/login");
  if (user.mustChangePassword) redirect("/account/password");
  return role === "admin" && user.role !== "admin" ? null : user;
}
