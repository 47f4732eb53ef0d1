import bcrypt from "bcryptjs";
import { env } from "../env";

/** bcrypt cost: ~100–200 ms per hash here; tests lower it with BCRYPT_ROUNDS to stay fast. */
const rounds = () => env.bcryptRounds();

export const hashPassword = (password: string) => bcrypt.hash(password, rounds());
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

/** A hash to compare against when the user does not exist, so timing does not reveal which usernames exist. */
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= bcrypt.hash("opsflow-no-such-user", rounds()));
