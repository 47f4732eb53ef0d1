import { withRole } from "@/lib/server/route";
import { createProcess } from "@/lib/server/processes/create-process";
import { findProcesses } from "@/lib/server/processes/find-processes";
import { ZProcessCreate } from "@/lib/validations/process";

export const dynamic = "force-dynamic";

// GET /api/processes - the processes the user may see (own, shared with them; admins: all) with their last run
export const GET = withRole("member", {}, ({ user }) => findProcesses(user));

// POST /api/processes - create a process with Start and End nodes, owned by the caller (409 beyond the per-user cap)
export const POST = withRole("member", { body: ZProcessCreate, status: 201 }, ({ input, user }) => createProcess(input, user));
