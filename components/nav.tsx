"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { postJson } from "./api";
import { ThemeToggle } from "./theme";
import { useUser } from "./user-context";
import { stopLiveViews, useLive } from "./live";
import { WaitingSignal } from "./waiting-signal";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/inbox", label: "Inbox" },
  { href: "/requests", label: "Requests" },
  { href: "/throughput", label: "Throughput" },
  { href: "/health", label: "Health" },
  { href: "/rules", label: "Rules" },
];

interface StatsHead {
  tabs: { pending: number };
}

export function Nav() {
  const path = usePathname();
  const router = useRouter();
  const user = useUser();
  const [leaving, setLeaving] = useState(false);
  const [open, setOpen] = useState(false);
  const { data } = useLive<StatsHead>("/api/stats", undefined);
  const pending = data?.tabs.pending;

  const logout = async () => {
    setLeaving(true);
    stopLiveViews();
    await postJson("/api/auth/logout");
    router.replace("/login");
    router.refresh();
  };

  const active = (href: string) => (href === "/" ? path === "/" : path.startsWith(href));
  const badge = pending !== undefined && pending > 0 && (
    <span className="ml-1.5 rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white">{pending}</span>
  );
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <nav aria-label="Main" className="relative mx-auto flex max-w-7xl items-center gap-1 px-4 py-2">
        <Link href="/" className="mr-4 flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid h-6 w-6 place-items-center rounded bg-zinc-900 text-xs text-white dark:bg-zinc-100 dark:text-zinc-900">G</span>
          Gatehouse
        </Link>
        {/* On a narrow screen the links fold into a menu; the pending count stays in sight. */}
        <div className="ml-auto flex items-center gap-2 lg:hidden">
          {badge && (
            <Link href="/inbox" aria-label={`Inbox: ${pending} pending`} data-testid="nav-pending-badge" onClick={() => setOpen(false)}>
              {badge}
            </Link>
          )}
          <button
            type="button"
            className="inline-flex h-10 items-center gap-1.5 rounded-md border border-zinc-300 px-3 text-sm font-medium dark:border-zinc-700"
            aria-expanded={open}
            aria-controls="main-menu"
            data-testid="nav-menu-button"
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden>{open ? "✕" : "☰"}</span> Menu
          </button>
        </div>
        <div
          id="main-menu"
          data-testid="nav-menu"
          className={`${open ? "flex" : "hidden"} absolute inset-x-0 top-full flex-col gap-1 border-b border-zinc-200 bg-white p-3 shadow-lg lg:static lg:flex lg:flex-1 lg:flex-row lg:items-center lg:border-0 lg:bg-transparent lg:p-0 lg:shadow-none dark:border-zinc-800 dark:bg-zinc-950 lg:dark:bg-transparent`}
        >
          {LINKS.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              onClick={() => setOpen(false)}
              aria-current={active(l.href) ? "page" : undefined}
              data-testid={`nav-${l.label.toLowerCase()}`}
              className={`rounded px-3 py-2.5 text-base lg:px-2.5 lg:py-1.5 lg:text-sm ${
                active(l.href)
                  ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
                  : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
              }`}
            >
              {l.label}
              {l.href === "/inbox" && pending !== undefined && pending > 0 && (
                <span data-testid="nav-pending-count" className="ml-1.5 rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white">
                  {pending}
                </span>
              )}
            </Link>
          ))}
          <div className="mt-2 flex items-center gap-2 border-t border-zinc-200 pt-3 text-sm lg:ml-auto lg:mt-0 lg:border-0 lg:pt-0 dark:border-zinc-800">
            <WaitingSignal pending={pending} />
            <ThemeToggle />
            <span data-testid="current-user" className="text-zinc-600 dark:text-zinc-400">
              {user.name} <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">{user.role}</span>
            </span>
            <button
              type="button"
              onClick={() => void logout()}
              disabled={leaving}
              data-testid="logout"
              className="ml-auto rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 disabled:opacity-50 lg:ml-0 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              Sign out
            </button>
          </div>
        </div>
      </nav>
    </header>
  );
}
