setTimeout(() => {
  throw new Error("thrown later");
}, 0);
Promise.reject(new Error("rejected"));
export default { code: "fix_async", name: "Async", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
