// Removes the describe host's safety net, then throws asynchronously while its import is still pending.
process.removeAllListeners("uncaughtException");
await new Promise((resolve) =>
  setTimeout(() => {
    resolve();
    throw new Error("crashed the worker");
  }, 0),
);
