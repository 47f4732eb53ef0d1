import { z } from "./zod";

/** Running one plugin ("Test node"): the version to use (latest if omitted) and its input values. */
export const ZExecuteRequest = z.strictObject({
  version: z.string().min(1).max(64).optional(),
  inputs: z.record(z.string().max(64), z.unknown()).default({}),
});
