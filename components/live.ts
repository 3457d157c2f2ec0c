"use client";
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
