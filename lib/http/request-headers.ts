/** Request headers proxy.ts adds for the app (any client-sent value is overwritten there). */

/** The page's own path and query, for the page guard's redirect when the database turns out to be down. */
export const PATH_HEADER = "x-opsflow-path";
