// Preloaded (`node --require`) into a hook process by tests/hook/start.test.ts: as it exits,
// writes to fd 3 which of Node's built-ins it loaded and which files it required.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  writeSync(3, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) }));
});
