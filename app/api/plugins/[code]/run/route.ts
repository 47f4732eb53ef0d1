import { notFound } from "@/lib/server/errors";
import { withRole } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { ZExecuteRequest } from "@/lib/validations/execute";

export const dynamic = "force-dynamic";

// POST /api/plugins/{code}/run - execute one plugin in the worker pool with the given inputs (signed-in users)
export const POST = withRole("member", { body: ZExecuteRequest }, async ({ params, input }) => {
  const { registry, pool } = getRuntime();
  const plugin = registry.get(params.code, input.version);
  if (!plugin || !plugin.file) throw notFound();
  return pool.execute({ file: plugin.file, descriptor: plugin, inputs: input.inputs });
});
