/**
 * How a non-Bash tool call reads as a gate request's command: the tool and its target on the
 * first line (what rules match and the inbox shows), then a capped preview of the change.
 */

/** Characters of preview under the first line. (Default: 2000; the server takes 16 KiB.) */
export const PREVIEW_CHARS = 2000;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

const prefixed = (prefix: string, text: string) =>
  text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");

const diff = (oldText: string, newText: string) => `${prefixed("- ", oldText)}\n${prefixed("+ ", newText)}`;

/** The command text and reason for a call of this (non-Bash) tool. */
export function describeToolCall(tool: string, input: Record<string, unknown>): { command: string; reason?: string } {
  const file = str(input.file_path) ?? str(input.notebook_path);
  if (tool === "Edit" && file) {
    return { command: `Edit ${file}\n${cap(diff(str(input.old_string) ?? "", str(input.new_string) ?? ""), PREVIEW_CHARS)}` };
  }
  if (tool === "MultiEdit" && file && Array.isArray(input.edits)) {
    const edits = input.edits.map((e: unknown) => {
      const edit = typeof e === "object" && e !== null ? (e as Record<string, unknown>) : {};
      return diff(str(edit.old_string) ?? "", str(edit.new_string) ?? "");
    });
    return { command: `MultiEdit ${file}\n${cap(edits.join("\n…\n"), PREVIEW_CHARS)}` };
  }
  if (tool === "Write" && file) return { command: `Write ${file}\n${cap(prefixed("+ ", str(input.content) ?? ""), PREVIEW_CHARS)}` };
  if (tool === "NotebookEdit" && file) return { command: `NotebookEdit ${file}\n${cap(prefixed("+ ", str(input.new_source) ?? ""), PREVIEW_CHARS)}` };
  if (tool === "WebFetch" && str(input.url)) return { command: `WebFetch ${str(input.url)}`, reason: str(input.prompt) };
  // MCP tools (mcp__server__tool) and anything else: the input as JSON, which is all there is to see.
  return { command: `${tool} ${cap(JSON.stringify(input), PREVIEW_CHARS)}` };
}
