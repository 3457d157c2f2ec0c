// Preloaded (`node --require`) into a measured process: writes its peak RSS (KiB) and CPU time
// (user + system, µs) as JSON to fd 3 as it exits. CommonJS, so that it loads no ES module loader
// the measured process would not have loaded itself.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(3, JSON.stringify([u.maxRSS, u.userCPUTime + u.systemCPUTime]));
});
