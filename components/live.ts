"use client";
import { useEffect, useState } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import { fetchJson } from "./api";

/**
 * Live data: polled every `intervalMs` while the tab is visible (SWR stops polling a hidden tab),
 * starting from what the server rendered.
 */
export function useLive<T>(url: string | null, fallbackData: T | undefined, intervalMs = 1000, opts: SWRConfiguration<T> = {}) {
  return useSWR<T>(url, fetchJson<T>, {
    fallbackData,
    refreshInterval: intervalMs,
    refreshWhenHidden: false,
    refreshWhenOffline: false,
    revalidateOnFocus: true,
    keepPreviousData: true,
    dedupingInterval: Math.min(intervalMs, 500),
    ...opts,
  });
}

/** The current time, ticking every `ms` (live ages). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
