"use client";
import { useEffect, useRef, useSyncExternalStore } from "react";

const PREFIX = /^\(\d+\) /;

/** Keeps `(N) ` in front of whatever title the page sets, N being the requests waiting for a person. */
function useTitleCount(pending: number | undefined): void {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(PREFIX, "");
      const want = pending ? `(${pending}) ${base}` : base;
      if (document.title !== want) document.title = want;
    };
    apply();
    // The router sets a page's own title on navigation: put the count back in front of it.
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [pending]);
}

type Permission = NotificationPermission | "unsupported";
const permissionWatchers = new Set<() => void>();

/** The browser's notification permission; "unsupported" on the server, so hydration matches. */
function usePermission(): Permission {
  return useSyncExternalStore(
    (changed) => {
      permissionWatchers.add(changed);
      return () => permissionWatchers.delete(changed);
    },
    () => (typeof Notification === "undefined" ? "unsupported" : Notification.permission),
    () => "unsupported",
  );
}

async function askPermission(): Promise<void> {
  await Notification.requestPermission();
  for (const changed of permissionWatchers) changed();
}

/**
 * Tells a supervisor when someone starts waiting: the count in the tab title, and — once they allow
 * it — a browser notification when the count of waiting requests goes up, even in a background tab.
 */
export function WaitingSignal({ pending }: { pending: number | undefined }) {
  useTitleCount(pending);
  const permission = usePermission();
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (pending === undefined) return;
    const before = seen.current;
    seen.current = pending;
    if (before === undefined || pending <= before || permission !== "granted") return;
    const more = pending - before;
    new Notification("Gatehouse", {
      body: `${more} new request${more === 1 ? "" : "s"} waiting for a decision (${pending} in all).`,
      tag: "gatehouse-waiting",
    });
  }, [pending, permission]);

  if (permission !== "default") return null;
  return (
    <button
      type="button"
      data-testid="enable-notifications"
      className="rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      onClick={() => void askPermission()}
    >
      Notify me
    </button>
  );
}
