"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { postJson } from "./api";
import { ThemeToggle } from "./theme";
import { useUser } from "./user-context";
import { useLive } from "./live";
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
  const { data } = useLive<StatsHead>("/api/stats", undefined);
  const pending = data?.tabs.pending;

  const logout = async () => {
    setLeaving(true);
    await postJson("/api/auth/logout");
    router.replace("/login");
    router.refresh();
  };

  const active = (href: string) => (href === "/" ? path === "/" : path.startsWith(href));
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-1 px-4 py-2">
        <Link href="/" className="mr-4 flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid h-6 w-6 place-items-center rounded bg-zinc-900 text-xs text-white dark:bg-zinc-100 dark:text-zinc-900">G</span>
          Gatehouse
        </Link>
        {LINKS.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active(l.href) ? "page" : undefined}
            data-testid={`nav-${l.label.toLowerCase()}`}
            className={`rounded px-2.5 py-1.5 text-sm ${
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
        <div className="ml-auto flex items-center gap-2 text-sm">
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
            className="rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Sign out
          </button>
        </div>
      </nav>
    </header>
  );
}
