export function greeting(name, excited) {
  return `Hello, ${name}${excited ? "!" : "."}`;
}
