"use client";
import { useState } from "react";

/** A command in monospace: one line at first, the full text on demand. */
export function Command({ text, full = false }: { text: string; full?: boolean }) {
  const [open, setOpen] = useState(full);
  const long = text.length > 90 || text.includes("\n");
  return (
    <div className="min-w-0">
      <code
        data-testid="command"
        title={open ? undefined : text}
        className={`block rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[13px] text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100 ${
          open ? "whitespace-pre-wrap break-all" : "truncate"
        }`}
      >
        {text}
      </code>
      {long && !full && (
        <button
          type="button"
          className="mt-0.5 text-xs text-sky-700 hover:underline dark:text-sky-400"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? "Show less" : `Show full command (${text.length} chars)`}
        </button>
      )}
    </div>
  );
}
