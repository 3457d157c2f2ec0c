import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";

/**
 * Gives each source module of a bundle its own `import.meta.url` and `import.meta.dirname`, as it
 * has when run unbundled (lib/tmux/runner.ts finds its wrapper.sh by it). For the worker's and the
 * runner's bundles.
 */
export const importMetaOfSource: Plugin = {
  name: "import-meta-of-source",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, "utf8");
      return {
        loader: "ts",
        contents: source
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path))),
      };
    });
  },
};
