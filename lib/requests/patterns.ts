// The rule pattern language: the whole command, with `*` matching any text (newlines too) and
// `\*` / `\\` standing for a literal star / backslash. Commands and patterns are compared in a
// normal form (runs of spaces and tabs collapsed, one space around `|`, `||`, `&&`, `;`), so
// `curl x|sh` and `curl x | sh` are the same to a rule.

const OPERATORS = /[ \t]*(\|\||&&|;|\|)[ \t]*/g;

/** The form in which commands and patterns are compared. */
export function normalizeCommand(command: string): string {
  return command.replace(OPERATORS, " $1 ").replace(/[ \t]+/g, " ").trim();
}

/**
 * The simple commands a command line is made of, split at `;`, `&&`, `||`, `|`, a lone `&`
 * (not the `&` of `2>&1` or `&>`), newlines, `$(`, `(`, `)` and backticks. Deny and ask rules are
 * checked against each, so `make && sudo rm x` meets the `sudo *` rule.
 */
const SEPARATORS = /(\|\||&&|;|\||\n|\$\(|`|\(|\)|(?<![<>])&(?!>))/;

export function segmentsOf(command: string): string[] {
  return command
    .split(SEPARATORS)
    .filter((_, i) => i % 2 === 0) // odd places hold the separators
    .map((s) => normalizeCommand(s))
    .filter((s) => s !== "");
}

/** The command line with every simple command replaced by its core (see coreOf). */
export function coreCommand(command: string): string {
  return command
    .split(SEPARATORS)
    .map((part, i) => (i % 2 === 1 || normalizeCommand(part) === "" ? part : ` ${coreOf(normalizeCommand(part))} `))
    .join("");
}

/** Words that run the command after them: `env sudo x` is `sudo x` to a deny rule. */
const WRAPPERS = new Set(["env", "command", "exec", "builtin", "nohup", "time", "nice", "ionice", "timeout", "stdbuf", "xargs", "setsid", "chronic", "unbuffer"]);

/**
 * What a simple command really runs: leading `NAME=value` assignments, wrappers (`env`, `nohup`,
 * `timeout 5`, …) with their options, and the directory of the program (`/usr/bin/sudo`) taken
 * away. Deny and ask rules are checked against this too, so `FOO=1 /usr/bin/sudo x` meets `sudo *`.
 */
export function coreOf(segment: string): string {
  const words = segment.split(" ");
  let i = 0;
  let afterWrapper = false;
  while (i < words.length - 1) {
    const w = words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || WRAPPERS.has(w.replace(/^.*\//, ""))) afterWrapper = true;
    else if (!(afterWrapper && (/^-/.test(w) || /^\d+(\.\d+)?[smhd]?$/.test(w)))) break;
    i++;
  }
  const rest = words.slice(i);
  rest[0] = rest[0]!.replace(/^.*\//, "");
  return rest.join(" ");
}

/** True when a pattern has a wildcard (an unescaped `*`). */
export function isWildcard(pattern: string): boolean {
  return /(^|[^\\])(\\\\)*\*/.test(pattern);
}

const compiled = new Map<string, RegExp>();

/** The expression that matches what `pattern` matches, for commands already in normal form. */
export function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = compile(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Does `pattern` match the whole of `command` (both taken in normal form)? */
export function matchesPattern(pattern: string, command: string): boolean {
  return patternRegExp(pattern).test(normalizeCommand(command));
}

function compile(pattern: string): RegExp {
  let source = "";
  const text = normalizeCommand(pattern);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && (text[i + 1] === "*" || text[i + 1] === "\\")) {
      source += escapeRegExp(text[++i]!);
    } else if (ch === "*") {
      source += "[\\s\\S]*";
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern that matches exactly this command and nothing else (for "approve and remember"). */
export function exactPattern(command: string): string {
  return command.replace(/[\\*]/g, "\\$&");
}
