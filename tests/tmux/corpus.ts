/** Texts that break naive quoting in shells, in tmux's argument parser, formats and terminals. */
export const INJECTION_CORPUS: readonly string[] = [
  `it's "quoted" 'single'`,
  "$(touch INJECTED-subst)",
  "`touch INJECTED-backtick`",
  "a; touch INJECTED-semicolon",
  "ends with a semicolon;",
  "ends with an escaped semicolon\\;",
  "line one\nline two\n\nline four",
  "-R",
  "C-c",
  "Enter",
  "#{session_name} #(touch INJECTED-format) #[fg=red]",
  "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J",
  "unicode: é 漢字 🚀 \u202eevil",
  "$HOME ${PATH} !! ~ * ? [a] {a,b} & | < > \\ %",
  "   leading and trailing spaces   ",
];
