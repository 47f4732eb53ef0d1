import { z } from "./zod";
import { ZName } from "./common";

/** Options of a sync run started from the admin UI or POST /api/sync. */
export const ZSyncRequest = z.strictObject({
  sources: z.array(ZName).max(100).optional(),
  dryRun: z.boolean().default(false),
  activate: z.boolean().default(true),
});
export type TSyncRequest = z.input<typeof ZSyncRequest>;
