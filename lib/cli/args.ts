/** Parsed command-line words: positionals, `--flag value` / `--flag` options, and what follows `--`. */
export interface Args {
  positional: string[];
  options: Map<string, string | true>;
  rest: string[];
}

/** Splits argv; `flags` names the options that take no value. */
export function parseArgs(argv: string[], flags: readonly string[]): Args {
  const out: Args = { positional: [], options: new Map(), rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq > 0 ? word.slice(2, eq) : word.slice(2);
      if (eq > 0) out.options.set(name, word.slice(eq + 1));
      else if (flags.includes(name)) out.options.set(name, true);
      else {
        const value = argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        out.options.set(name, value);
      }
    } else {
      out.positional.push(word);
    }
  }
  return out;
}

/** A mistake in how the command was called (exit code 64, as sysexits' EX_USAGE). */
export class UsageError extends Error {}

export function option(args: Args, name: string): string | undefined {
  const v = args.options.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

/** Quotes words for a POSIX shell, leaving plain ones alone. */
export function shellJoin(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_\-+=.,/:@%^]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}
