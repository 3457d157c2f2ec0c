// Terminal escape sequences: CSI (ESC [ … final), OSC / DCS / PM / APC / SOS strings (up to BEL or
// ESC \), and two-byte ESC sequences. Removed whole, so no "[31m" debris is left behind.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?/g;
// C0 and C1 controls, DEL, and the bidi overrides that can make text read differently than it is.
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g;

/**
 * One line that is safe to type into a terminal: escape sequences and control characters removed,
 * line breaks folded into " ⏎ ", tabs into spaces, at most `maxChars` characters (cut with "…").
 * Everything printable — quotes, `$()`, backticks, `#{…}`, unicode — is kept exactly.
 */
export function sanitizeLine(text: string, maxChars = 500): string {
  const line = text
    .replace(ESCAPE_SEQUENCES, "")
    .trim()
    .replace(LINE_BREAKS, " ⏎ ")
    .replace(/\t/g, " ")
    .replace(CONTROLS, "");
  const chars = [...line];
  return chars.length <= maxChars ? line : chars.slice(0, maxChars - 1).join("") + "…";
}

/**
 * JSON for a line of the inbox file: exact (JSON.parse gives the text back) and inert when a person
 * `cat`s or `tail`s it in a terminal — JSON already escapes C0 controls; this also escapes DEL, the
 * C1 range (8-bit CSI and friends) and the bidi overrides.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
