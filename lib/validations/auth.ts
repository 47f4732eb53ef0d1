import { z } from "zod";
import { ZName } from "./common";

export const ZLoginInput = z.object({
  username: z.string().trim().min(1, { error: "required" }).max(64, { error: "too_long" }),
  password: z.string().min(1, { error: "required" }).max(256, { error: "too_long" }),
});
export type TLoginInput = z.input<typeof ZLoginInput>;

export const ZUserInput = z.strictObject({
  username: ZName,
  password: z.string().min(12, { error: "password_short" }).max(256, { error: "too_long" }),
  role: z.enum(["admin", "member"], { error: "invalid_choice" }),
});
export type TUserInput = z.input<typeof ZUserInput>;

export const ZLocale = z.enum(["en", "zh-CN"]);
