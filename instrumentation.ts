/**
 * Server start (Node runtime only): open the database (which applies migrations on the embedded default) and
 * create the first admin. Never runs during `next build`.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startServer } = await import("./lib/server/start");
  await startServer();
}
