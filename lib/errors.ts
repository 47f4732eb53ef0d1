/** The first line of an error's message (or of whatever was thrown): what a CLI, a log line or a run record shows. */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n", 1)[0];
}
