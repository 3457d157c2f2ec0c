import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The runs that fixture actors recorded (tests/worker/fixtures/actors.ts), one per handler call. */
export function runLog(dir: string): { file: string; runs: () => { id: number; attempt: number; pid: number }[] } {
  const file = path.join(dir, "runs.log");
  return {
    file,
    runs: () =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => {
              const [id, attempt, pid] = line.split(" ").map(Number);
              return { id: id!, attempt: attempt!, pid: pid! };
            })
        : [],
  };
}

export const FIXTURES = "tests/worker/fixtures/actors.ts";
