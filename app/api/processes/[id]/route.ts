import { withRole } from "@/lib/server/route";
import { deleteProcess } from "@/lib/server/processes/delete-process";
import { getProcess } from "@/lib/server/processes/get-process";
import { saveProcess } from "@/lib/server/processes/save-process";
import { ZProcessUpdate } from "@/lib/validations/process";

export const dynamic = "force-dynamic";

// GET /api/processes/{id} - one process with its graph (404 unless the caller owns it, it is shared with them, or they are an admin)
export const GET = withRole("member", {}, ({ params, user }) => getProcess(params.id, user));

// PUT /api/processes/{id} - save name/description/graph (owner, editors, admins); 409 when `version` is no longer the stored one
export const PUT = withRole("member", { body: ZProcessUpdate }, ({ input, user, params }) => saveProcess(params.id, input, user));

// DELETE /api/processes/{id} - delete a process and its runs (owner, admins)
export const DELETE = withRole("member", {}, ({ params, user }) => deleteProcess(params.id, user));
