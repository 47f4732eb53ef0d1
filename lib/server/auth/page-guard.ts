import "server-only";
import { redirect } from "next/navigation";
import { findCurrentUser, type SessionUser } from "./current-user";

/**
 * For pages: anonymous → redirect to the login page; signed in without the role → null (the page renders the
 * forbidden view); otherwise the user. Every admin page calls this itself: layouts do not re-run on navigation.
 */
export async function pageUser(role: "admin" | "member"): Promise<SessionUser | null> {
  const user = await findCurrentUser();
  if (!user) redirect("/login");
  return role === "admin" && user.role !== "admin" ? null : user;
}
