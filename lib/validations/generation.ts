import { z } from "./zod";

/** `?dryRun=` of an activation: 1/true reports and changes nothing; 0/false or absent activates. */
export const ZDryRun = z
  .enum(["1", "true", "0", "false"])
  .nullable()
  .transform((v) => v === "1" || v === "true");
