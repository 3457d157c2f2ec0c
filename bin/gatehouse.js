#!/usr/bin/env node
// The `gatehouse` command. It loads the TypeScript CLI through tsx (a dependency), so there is no
// build step between a change and the command.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname }); // its "@/" paths, from any directory
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
