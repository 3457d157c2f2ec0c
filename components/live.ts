"use client";
import { useEffect, useRef } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import { fetchJson } from "./api";

/** Live views refetch on a change event; this slow poll only covers a lost event stream. */
export const SAFETY_NET_MS = 15_000;

const listeners = new Set<() => void>();
let source: EventSource | null = null;
let signedOut = false;

/**
 * Stops every live view of this tab before signing out: a refetch after the session ended would
 * only fail (401).
 */
export function stopLiveViews(): void {
  signedOut = true;
  source?.close();
  source = null;
}

/** Live views run again once a person has signed in (in this same tab). */
export function resumeLiveViews(): void {
  signedOut = false;
}

/** One stream of change events per tab (GET /api/dashboard/changes), open while anything listens. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!source && !signedOut) {
    source = new EventSource("/api/dashboard/changes");
    source.addEventListener("change", () => {
      if (!signedOut) for (const l of listeners) l();
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}

/** Calls `onChange` soon after any request changes, on any web server. */
export function useChanges(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => subscribe(() => latest.current()), []);
}

/**
 * Live data: fetched again when a request changes (server-sent events), and every `pollMs` as a
 * safety net — or faster, for data that changes without a request changing (a running command's
 * output). Starts from what the server rendered; a hidden tab is not polled.
 */
export function useLive<T>(url: string | null, fallbackData: T | undefined, pollMs = SAFETY_NET_MS, opts: SWRConfiguration<T> = {}) {
  const swr = useSWR<T>(signedOut ? null : url, fetchJson<T>, {
    fallbackData,
    refreshInterval: pollMs,
    refreshWhenHidden: false,
    refreshWhenOffline: false,
    revalidateOnFocus: true,
    keepPreviousData: true,
    dedupingInterval: Math.min(pollMs, 500),
    ...opts,
  });
  useChanges(() => void swr.mutate());
  return swr;
}
