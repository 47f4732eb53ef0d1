import { z } from "./zod";
import { line, ZName } from "./common";

export const ZLoginInput = z.object({
  // line(): no control characters (U+0000 would be a database error in the lookup).
  username: line(64).min(1, { error: "required" }),
  password: z.string().min(1, { error: "required" }).max(256, { error: "too_long" }),
});
export type TLoginInput = z.input<typeof ZLoginInput>;

export const ZRole = z.enum(["admin", "member"], { error: "invalid_choice" });

/**
 * Well-known passwords of 12 characters or more (from the public top lists). Length and variety (below) keep out
 * the rest of those lists; these pass both.
 */
const COMMON = new Set([
  "123456789012", "1234567890123", "12345678901234", "123123123123", "qwertyuiopas", "qwerty123456", "1q2w3e4r5t6y",
  "password1234", "password12345", "password123!", "passwordpassword", "iloveyou1234", "abcdefghijkl", "abcd1234abcd",
  "administrator", "admin1234567", "letmein12345", "welcome12345", "qwertyuiop123", "1qaz2wsx3edc", "zaq12wsxcde3",
  "changeme1234", "trustno12345", "football1234", "baseball1234", "superman1234", "opsflow12345", "p@ssw0rd1234",
]);

/** bcrypt reads at most 72 bytes: a longer password would be cut silently, so it is refused instead. */
const BCRYPT_MAX_BYTES = 72;

/**
 * A new password (own change, admin reset, new user): 12 characters or more, at most 72 bytes, at least 6
 * different characters (no "aaaaaaaaaaaa", "abcabcabcabc"), not a well-known password. NIST SP 800-63B's advice:
 * length and a blocklist, no composition rules. Whether it contains the username is checked where the username
 * is known (passwordMentionsUsername).
 */
export const ZNewPassword = z
  .string()
  .min(12, { error: "password_short" })
  .refine((p) => new TextEncoder().encode(p).length <= BCRYPT_MAX_BYTES, { error: "password_long" })
  .refine((p) => new Set(p).size >= 6 && !COMMON.has(p.toLowerCase()), { error: "password_weak" });

/** Whether a password contains the username (any case): the first guess of anyone who knows the account. */
export function passwordMentionsUsername(password: string, username: string): boolean {
  const name = username.trim().toLowerCase();
  return name.length >= 3 && password.toLowerCase().includes(name);
}

export const ZUserInput = z
  .strictObject({
    username: ZName,
    password: ZNewPassword,
    role: ZRole,
  })
  .superRefine((u, ctx) => {
    if (passwordMentionsUsername(u.password, u.username)) ctx.addIssue({ code: "custom", path: ["password"], message: "password_username" });
  });
export type TUserInput = z.input<typeof ZUserInput>;

/** PATCH /api/users/{id}: a new role and/or a new password (an admin's reset; the user must change it next). */
export const ZUserUpdate = z
  .strictObject({
    role: ZRole.optional(),
    password: ZNewPassword.optional(),
  })
  .refine((u) => u.role !== undefined || u.password !== undefined, { error: "nothing_to_change" });
export type TUserUpdate = z.input<typeof ZUserUpdate>;

/** The admin's reset form: ZUserUpdate with only a password, which must not contain the user's name. */
export function resetPasswordForm(username: string) {
  return ZUserUpdate.superRefine((u, ctx) => {
    if (u.password !== undefined && passwordMentionsUsername(u.password, username)) ctx.addIssue({ code: "custom", path: ["password"], message: "password_username" });
  });
}

/** One's own password change: the current one (proof it is you) and the new one. */
export const ZPasswordChangeFields = z.strictObject({
  currentPassword: z.string().min(1, { error: "required" }).max(256, { error: "too_long" }),
  newPassword: ZNewPassword,
});
const differs = (p: { currentPassword: string; newPassword: string }, ctx: z.RefinementCtx) => {
  if (p.currentPassword && p.newPassword === p.currentPassword) ctx.addIssue({ code: "custom", path: ["newPassword"], message: "password_same" });
};
export const ZPasswordChange = ZPasswordChangeFields.superRefine(differs);
export type TPasswordChange = z.input<typeof ZPasswordChange>;

/** The browser form of ZPasswordChange: the new password typed twice, and not containing the username. */
export function passwordChangeForm(username: string) {
  return ZPasswordChangeFields.extend({ confirmPassword: z.string() }).superRefine((p, ctx) => {
    differs(p, ctx);
    if (passwordMentionsUsername(p.newPassword, username)) ctx.addIssue({ code: "custom", path: ["newPassword"], message: "password_username" });
    if (p.confirmPassword !== p.newPassword) ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "password_mismatch" });
  });
}

export const ZLocale = z.enum(["en", "zh-CN"]);
