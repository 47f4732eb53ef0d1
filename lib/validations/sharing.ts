import { z } from "./zod";
import { line } from "./common";

/** Share a process or credential with a user (`none` takes the share away). */
export const ZShareInput = z.strictObject({
  username: line(64).min(1, { error: "required" }),
  role: z.enum(["viewer", "editor", "none"], { error: "invalid_choice" }),
});
export type TShareInput = z.input<typeof ZShareInput>;
