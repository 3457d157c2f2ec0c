"use client";
import { useEffect, useRef } from "react";

/** A modal dialog: focus moves in, Escape closes, the page behind is inert to the pointer. */
export function Dialog({
  title,
  onClose,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>("textarea, input, select, button[data-autofocus], button");
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-40 grid place-items-center bg-black/40 p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        className="max-h-[calc(100dvh-2rem)] w-full max-w-lg overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-700 dark:bg-zinc-900"
      >
        <h2 className="mb-3 text-lg font-semibold">{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  body: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} testId="confirm-dialog">
      <div className="mb-4 text-sm text-zinc-700 dark:text-zinc-300">{body}</div>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn-primary" data-autofocus data-testid="confirm" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export const REJECT_PRESETS = [
  "Not safe to run unattended",
  "Not needed for this task",
  "Wrong session or directory",
  "Use a narrower command",
  "Ask me first in chat",
];

/** Reject with a reason: a preset or free text; the reason is required and goes to the agent. */
export function RejectDialog({ count, onReject, onClose }: { count: number; onReject: (reason: string) => void; onClose: () => void }) {
  const text = useRef<HTMLTextAreaElement>(null);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const reason = text.current?.value.trim() ?? "";
    if (reason) onReject(reason);
  };
  return (
    <Dialog title={count === 1 ? "Reject this request" : `Reject ${count} requests`} onClose={onClose} testId="reject-dialog">
      <form onSubmit={submit} className="space-y-3">
        <div className="flex flex-wrap gap-1.5" role="group" aria-label="Reason presets">
          {REJECT_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              className="rounded-full border border-zinc-300 px-2.5 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800"
              onClick={() => {
                if (text.current) {
                  text.current.value = p;
                  text.current.focus();
                }
              }}
            >
              {p}
            </button>
          ))}
        </div>
        <label className="block text-sm font-medium">
          Reason (sent to the agent)
          <textarea ref={text} required rows={3} maxLength={4000} data-testid="reject-reason" className="input mt-1 w-full font-sans" />
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn-reject" data-testid="reject-confirm">
            Reject{count > 1 ? ` ${count}` : ""}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
