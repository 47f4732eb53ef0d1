/**
 * The server's start as instrumentation.ts runs it (startServer), for the test of its start-up checks: with an
 * unusable environment it exits 1 with one line before anything else happens.
 */
import { startServer } from "../start";

void startServer();
