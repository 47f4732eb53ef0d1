for (let i = 0; i < 5000; i++) console.log("noise " + i);
console.error("to stderr");
export default { code: "fix_noisy", name: "Noisy", version: "1.0.0", group: { code: "FIX", name: "Fixtures" }, execute() {} };
