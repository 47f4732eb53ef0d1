import { withRole } from "@/lib/server/route";
import { createUser } from "@/lib/server/users/create-user";
import { findUsers } from "@/lib/server/users/find-users";
import { ZUserInput } from "@/lib/validations/auth";

export const dynamic = "force-dynamic";

// GET /api/users - every user (no password hashes)
export const GET = withRole("admin", {}, () => findUsers());

// POST /api/users - add a user
export const POST = withRole("admin", { body: ZUserInput, status: 201 }, ({ input, user }) => createUser(input, user.username));
