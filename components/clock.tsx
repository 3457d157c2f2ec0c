"use client";
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from "react";

// The server and the browser render the same component at different moments and, often, in
// different time zones: text computed from "now" or the local zone would differ between the two
// and React would throw away the server's HTML (hydration error #418). While hydrating, components
// use the server's render time and UTC; right after, the browser's clock and zone.

const ServerNow = createContext<number | null>(null);

/** Hands client components the time at which the server rendered the page. */
export function ClockProvider({ serverNow, children }: { serverNow: number; children: React.ReactNode }) {
  return <ServerNow.Provider value={serverNow}>{children}</ServerNow.Provider>;
}

const noSubscription = () => () => {};

/** False on the server and during hydration; true once the page lives in the browser. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** The current time, ticking every `ms` (live ages); the server's render time while hydrating. */
export function useNow(ms = 1000): number {
  const serverNow = useContext(ServerNow);
  const hydrated = useHydrated();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return hydrated || serverNow === null ? now : serverNow;
}

/** The zone dates are shown in: UTC until hydrated (the server cannot know the reader's), then local. */
export function useTimeZone(): "UTC" | undefined {
  return useHydrated() ? undefined : "UTC";
}
