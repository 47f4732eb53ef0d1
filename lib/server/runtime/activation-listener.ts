import "server-only";
import type { Client } from "pg";
import { getDatabase } from "../../db";
import { firstLine } from "../../errors";
import { lineLogger } from "../../log";

/**
 * Activation notifications (PostgreSQL only). activateGeneration sends `NOTIFY opsflow_activation, '<id>'` inside
 * its transaction, so PostgreSQL delivers it when (and only if) the activation commits; every instance LISTENs on a
 * dedicated connection of its own (a pooled one would lose the LISTEN when the pool recycles it) and reloads at
 * once. The poll (PLUGIN_POLL_INTERVAL_MS) stays: it covers a notification lost while the listener was
 * reconnecting, and it is the only path on the embedded PGlite (one process, which reloads itself).
 */
export const ACTIVATION_CHANNEL = "opsflow_activation";
/** What pg_stat_activity shows for the listener's connection (the tests and operators find it by this name). */
export const LISTENER_APPLICATION_NAME = "opsflow-activation-listener";

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

interface ListenerState {
  client: Client | null;
  stopped: boolean;
  retryMs: number;
  timer?: NodeJS.Timeout;
  /** Increments on every (re)connection that reached LISTEN (tests wait on it). */
  connections: number;
  onActivation: () => void;
}

const g = globalThis as unknown as { __opsflowActivationListener?: ListenerState };
const log = lineLogger({ component: "activation-listener" });

/**
 * Starts listening when the database is PostgreSQL (idempotent; nothing on PGlite). `onActivation` is called for
 * every notification and after every reconnection (an activation may have been missed while disconnected).
 */
export function startActivationListener(onActivation: () => void): void {
  if (g.__opsflowActivationListener && !g.__opsflowActivationListener.stopped) return;
  const state: ListenerState = { client: null, stopped: false, retryMs: RETRY_MIN_MS, connections: 0, onActivation };
  g.__opsflowActivationListener = state;
  void connect(state, false);
}

async function connect(state: ListenerState, reconnect: boolean): Promise<void> {
  let url: string | undefined;
  try {
    const database = await getDatabase();
    if (database.kind !== "postgres" || !database.url) return; // polling only
    url = database.url;
  } catch (err) {
    // The database is not reachable yet: the poll reports it; try again later.
    log("warn", `activation notifications: database not available (${firstLine(err)}); retrying`);
    return retry(state);
  }
  if (state.stopped) return;
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME });
  state.client = client;
  let failed = false;
  const fail = (err: unknown) => {
    if (failed || state.client !== client) return;
    failed = true;
    state.client = null;
    client.removeAllListeners("notification");
    client.end().catch(() => undefined);
    if (state.stopped) return;
    log("warn", `activation notifications: connection lost (${firstLine(err)}); polling every interval until it is back`);
    retry(state);
  };
  client.on("error", fail);
  client.on("end", () => fail(new Error("connection ended")));
  client.on("notification", (msg) => {
    if (msg.channel === ACTIVATION_CHANNEL) state.onActivation();
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${ACTIVATION_CHANNEL}`);
  } catch (err) {
    return fail(err);
  }
  if (state.stopped) {
    await client.end().catch(() => undefined);
    return;
  }
  state.retryMs = RETRY_MIN_MS;
  state.connections++;
  if (reconnect) {
    log("info", "activation notifications: listening again");
    state.onActivation(); // what was activated while we were away
  }
}

function retry(state: ListenerState): void {
  if (state.stopped) return;
  const wait = state.retryMs;
  state.retryMs = Math.min(RETRY_MAX_MS, state.retryMs * 2);
  state.timer = setTimeout(() => void connect(state, true), wait);
  state.timer.unref();
}

/** How many times this process's listener has reached LISTEN (0: not listening, PGlite, or not yet). */
export function listenerConnections(): number {
  return g.__opsflowActivationListener?.connections ?? 0;
}

/** Stops listening and closes the connection (tests, shutdown). */
export async function stopActivationListener(): Promise<void> {
  const state = g.__opsflowActivationListener;
  if (!state) return;
  state.stopped = true;
  clearTimeout(state.timer);
  const client = state.client;
  state.client = null;
  g.__opsflowActivationListener = undefined;
  await client?.end().catch(() => undefined);
}

/**
 * Sends the notification inside the activation's transaction (delivered at commit). On PGlite it is skipped: one
 * process, which reloads itself.
 */
export async function notifyActivation(tx: { $executeRaw: (query: TemplateStringsArray, ...values: unknown[]) => Promise<number> }, generation: number): Promise<void> {
  if ((await getDatabase()).kind !== "postgres") return;
  await tx.$executeRaw`SELECT pg_notify(${ACTIVATION_CHANNEL}, ${String(generation)})`;
}
