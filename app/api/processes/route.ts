import { withRole } from "@/lib/server/route";
import { createProcess } from "@/lib/server/processes/create-process";
import { findProcesses } from "@/lib/server/processes/find-processes";
import { ZProcessCreate } from "@/lib/validations/process";

export const dynamic = "force-dynamic";

// GET /api/processes - every process with its last run (signed-in users)
export const GET = withRole("member", {}, () => findProcesses());

// POST /api/processes - create a process with Start and End nodes
export const POST = withRole("member", { body: ZProcessCreate, status: 201 }, ({ input, user }) => createProcess(input, user.username));
