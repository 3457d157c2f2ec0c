"use client";
import { useCallback, useRef, useState } from "react";
import type { Outcome } from "./decisions";

/** The last action's outcome, shown until the next one (or for 8 s); announced to screen readers. */
export function useFeedback() {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const show = useCallback((o: Outcome) => {
    setOutcome(o);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome(null), 8000);
  }, []);
  const view = (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4">
      {outcome && (
        <p
          data-testid="feedback"
          data-ok={outcome.ok}
          role={outcome.ok ? "status" : "alert"}
          className={`pointer-events-auto max-w-2xl rounded-md px-4 py-2 text-sm shadow-lg ${
            outcome.ok ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "bg-red-600 text-white"
          }`}
        >
          {outcome.message}
        </p>
      )}
    </div>
  );
  return { show, view };
}
