import { withRole } from "@/lib/server/route";
import { runPlugin } from "@/lib/server/plugins/run-plugin";
import { ZExecuteRequest } from "@/lib/validations/execute";

export const dynamic = "force-dynamic";

// POST /api/plugins/{code}/run - execute one plugin in a plugin host with the given inputs (signed-in users; 422 for bad inputs)
export const POST = withRole("member", { body: ZExecuteRequest }, async ({ params, input, user }) =>
  runPlugin(params.code, input.version, input.inputs, user.id),
);
