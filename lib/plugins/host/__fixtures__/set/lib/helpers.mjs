// A relative import inside the set (stack frames from here are kept, relative to the set).
export function fail(message) {
  throw new Error(message);
}
