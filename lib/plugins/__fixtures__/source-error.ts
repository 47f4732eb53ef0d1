import { PluginSourceError } from "../types";

/** The PluginSourceError the promise rejects with; anything else (another error, or no rejection) fails the test. */
export async function sourceErrorOf(p: Promise<unknown>): Promise<PluginSourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PluginSourceError) return e;
    throw e;
  }
  throw new Error("expected a PluginSourceError");
}

/** "ok", or the PluginSourceError code the promise rejected with (other errors are rethrown). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PluginSourceError) return e.code;
    throw e;
  }
  return "ok";
}
