import "server-only";
import type { User } from "@prisma/client";

/** A user as the admin pages and the API show it: no password hash, no session version. */
export interface UserView {
  id: string;
  username: string;
  role: "admin" | "member";
  /** The password was generated or set by an admin, and the user has not chosen their own yet. */
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
  createdAt: string;
}

export const USER_VIEW_SELECT = { id: true, username: true, role: true, mustChangePassword: true, passwordChangedAt: true, createdAt: true } as const;

export function toUserView(u: Pick<User, keyof typeof USER_VIEW_SELECT>): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    mustChangePassword: u.mustChangePassword,
    passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
