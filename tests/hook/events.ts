// Hook events as the agents document them (see lib/hook/event.ts for the sources), field for
// field, so that the tests feed the hook what Claude Code and Codex really send.

/** Claude Code, PreToolUse for Bash (hooks reference, "PreToolUse input"). */
export const claudePreToolUse = {
  session_id: "abc123",
  transcript_path: "/home/user/.claude/projects/my-project/00893aaf-19fa-41d2-8238-13269b9b3ca0.jsonl",
  cwd: "/home/user/my-project",
  permission_mode: "default",
  hook_event_name: "PreToolUse",
  tool_name: "Bash",
  tool_input: { command: "npm test", description: "Run the test suite" },
  tool_use_id: "toolu_01ABC123",
};

/** Claude Code, PermissionRequest for Bash: no tool_use_id; permission_suggestions as the dialog would offer. */
export const claudePermissionRequest = {
  session_id: "abc123",
  transcript_path: "/home/user/.claude/projects/my-project/00893aaf-19fa-41d2-8238-13269b9b3ca0.jsonl",
  cwd: "/home/user/my-project",
  permission_mode: "default",
  hook_event_name: "PermissionRequest",
  tool_name: "Bash",
  tool_input: { command: "rm -rf node_modules", description: "Remove node_modules directory" },
  permission_suggestions: [
    { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "rm -rf node_modules" }], behavior: "allow", destination: "localSettings" },
  ],
};

/** Claude Code, PostToolUse after that Bash call ran. */
export const claudePostToolUse = {
  session_id: "abc123",
  transcript_path: "/home/user/.claude/projects/my-project/00893aaf-19fa-41d2-8238-13269b9b3ca0.jsonl",
  cwd: "/home/user/my-project",
  permission_mode: "default",
  hook_event_name: "PostToolUse",
  tool_name: "Bash",
  tool_input: { command: "rm -rf node_modules", description: "Remove node_modules directory" },
  tool_response: { stdout: "", stderr: "", interrupted: false, isImage: false },
  tool_use_id: "toolu_01DEF456",
};

/** Claude Code, PostToolUseFailure: a non-zero exit. */
export const claudePostToolUseFailure = {
  session_id: "abc123",
  transcript_path: "/home/user/.claude/projects/my-project/00893aaf-19fa-41d2-8238-13269b9b3ca0.jsonl",
  cwd: "/home/user/my-project",
  permission_mode: "default",
  hook_event_name: "PostToolUseFailure",
  tool_name: "Bash",
  tool_input: { command: "npm test", description: "Run the test suite" },
  tool_use_id: "toolu_01ABC123",
  error: "Exit code 1\n> vitest run\n\n FAIL  tests/a.test.ts\n Tests  1 failed | 41 passed",
  is_interrupt: false,
};

/** Claude Code, PreToolUse for Edit (file paths are absolute). */
export const claudeEdit = {
  session_id: "abc123",
  transcript_path: "/home/user/.claude/projects/my-project/00893aaf-19fa-41d2-8238-13269b9b3ca0.jsonl",
  cwd: "/home/user/my-project",
  permission_mode: "default",
  hook_event_name: "PreToolUse",
  tool_name: "Edit",
  tool_input: { file_path: "/home/user/my-project/src/app.ts", old_string: "const port = 3000;", new_string: "const port = 8080;", replace_all: false },
  tool_use_id: "toolu_01EDIT",
};

/** Codex, PermissionRequest for a shell approval (openai/codex#17563's example, with a justification). */
export const codexPermissionRequest = {
  session_id: "019a5b1c-0000-7000-8000-000000000001",
  turn_id: "turn-7",
  transcript_path: null,
  cwd: "/home/user/my-project",
  hook_event_name: "PermissionRequest",
  model: "gpt-5",
  permission_mode: "default",
  tool_name: "Bash",
  tool_input: { command: "rm -f /tmp/example", description: "clean up the scratch file" },
};

/** Codex, PreToolUse for Bash (it can only block, so Gatehouse leaves it alone). */
export const codexPreToolUse = {
  session_id: "019a5b1c-0000-7000-8000-000000000001",
  turn_id: "turn-7",
  transcript_path: null,
  cwd: "/home/user/my-project",
  hook_event_name: "PreToolUse",
  model: "gpt-5",
  permission_mode: "default",
  tool_name: "Bash",
  tool_use_id: "call-1",
  tool_input: { command: "ls" },
};
