"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import useSWRInfinite from "swr/infinite";
import type { ListResponse, ListTab } from "@/lib/requests/list";
import { PRIORITIES } from "@/lib/requests/statuses";
import { fetchJson } from "./api";
import { PriorityBadge, StatusBadge } from "./badges";
import { Command } from "./command";
import { decide, decideMany, type Action } from "./decisions";
import { ConfirmDialog } from "./dialog";
import { useFeedback } from "./feedback";
import { count, dateTime, duration } from "./format";
import { useNow, useTimeZone } from "./clock";
import { SAFETY_NET_MS, useChanges } from "./live";
import { toggled } from "./selection";
import { useUser } from "./user-context";

export interface Filters {
  agent: string;
  session: string;
  priority: string;
  q: string;
}

const TABS: { tab: ListTab; label: string; short?: string }[] = [
  { tab: "pending", label: "Pending" },
  { tab: "approved", label: "Approved" },
  { tab: "rejected", label: "Rejected" },
  { tab: "dead", label: "Dead letters", short: "Dead" },
];

function queryString(tab: ListTab, f: Filters, cursor?: string | null): string {
  const p = new URLSearchParams({ tab });
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  if (cursor) p.set("cursor", cursor);
  return p.toString();
}

/** The Approved / Rejected / Dead letters tabs: filters, keyset pages ("Load more"), and dead-letter triage. */
export function RequestTable({ tab, filters: initialFilters, initial }: { tab: ListTab; filters: Filters; initial: ListResponse }) {
  const user = useUser();
  const now = useNow();
  const zone = useTimeZone();
  const [filters, setFilters] = useState(initialFilters);
  const [draft, setDraft] = useState(initialFilters);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<{ action: Action; ids: string[] } | null>(null);
  const { show, view: feedback } = useFeedback();

  // On a phone the tabs may scroll sideways within their row: keep the current one in view.
  useEffect(() => {
    document.querySelector('[role="tab"][aria-selected="true"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [tab]);

  useEffect(() => {
    window.history.replaceState(null, "", `/requests?${queryString(tab, filters)}`);
  }, [tab, filters]);

  const { data, size, setSize, isValidating, mutate } = useSWRInfinite<ListResponse>(
    (i, prev: ListResponse | null) => (i > 0 && !prev?.nextCursor ? null : `/api/dashboard/requests?${queryString(tab, filters, prev?.nextCursor)}`),
    fetchJson,
    {
      fallbackData: [initial],
      refreshInterval: SAFETY_NET_MS,
      refreshWhenHidden: false,
      revalidateFirstPage: true,
      keepPreviousData: true,
    },
  );
  useChanges(() => void mutate());
  const pages = data ?? [initial];
  const items = pages.flatMap((p) => p.items);
  const last = pages[pages.length - 1];
  const tabs = pages[0]?.tabs ?? initial.tabs;
  const triage = tab === "dead" && user.canDecide;

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    setSelected(new Set());
    setFilters(draft);
  };

  const run = async (ids: string[], action: Action) => {
    const outcome = ids.length === 1 ? await decide(ids[0]!, action) : await decideMany(ids, action);
    show(outcome);
    setSelected(new Set());
    await mutate();
  };

  return (
    <div>
      <div role="tablist" aria-label="Request lists" className="mb-4 flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800">
        {TABS.map((t) => (
          <Link
            key={t.tab}
            role="tab"
            aria-selected={t.tab === tab}
            data-testid={`tab-${t.tab}`}
            href={t.tab === "pending" ? "/inbox" : `/requests?${queryString(t.tab, filters)}`}
            className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-3 py-2 text-sm max-md:px-2 max-md:text-[13px] ${
              t.tab === tab
                ? "border-zinc-900 font-medium dark:border-zinc-100"
                : "border-transparent text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            }`}
          >
            {t.short ? (
              <>
                <span className="md:hidden">{t.short}</span>
                <span className="max-md:hidden">{t.label}</span>
              </>
            ) : (
              t.label
            )}{" "}
            <span className="ml-1 rounded-full bg-zinc-100 px-1.5 text-xs tabular-nums dark:bg-zinc-800">{count(tabs[t.tab])}</span>
          </Link>
        ))}
      </div>

      <form onSubmit={apply} className="mb-3 grid grid-cols-2 items-end gap-2 md:flex md:flex-wrap" aria-label="Filters">
        <label className="text-xs font-medium">
          Agent
          <input className="input mt-0.5 block w-full md:w-36" data-testid="filter-agent" value={draft.agent} onChange={(e) => setDraft({ ...draft, agent: e.target.value })} />
        </label>
        <label className="text-xs font-medium">
          Session
          <input className="input mt-0.5 block w-full md:w-44" data-testid="filter-session" value={draft.session} onChange={(e) => setDraft({ ...draft, session: e.target.value })} />
        </label>
        <label className="text-xs font-medium">
          Priority
          <select className="input mt-0.5 block w-full md:w-auto" data-testid="filter-priority" value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.target.value })}>
            <option value="">any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium">
          Text in command or reason
          <input className="input mt-0.5 block w-full md:w-64" data-testid="filter-q" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </label>
        <button type="submit" className="btn" data-testid="filter-apply">
          Filter
        </button>
        {Object.values(filters).some(Boolean) && (
          <button
            type="button"
            className="btn"
            onClick={() => {
              const empty = { agent: "", session: "", priority: "", q: "" };
              setDraft(empty);
              setFilters(empty);
            }}
          >
            Clear
          </button>
        )}
        {triage && selected.size > 0 && (
          <div className="col-span-2 flex items-center gap-2 md:ml-auto" data-testid="bulk-bar">
            <span className="text-sm">{selected.size} selected</span>
            <button type="button" className="btn" data-testid="bulk-requeue" onClick={() => setConfirm({ action: "requeue", ids: [...selected] })}>
              Requeue {selected.size}…
            </button>
            <button type="button" className="btn" data-testid="bulk-discard" onClick={() => setConfirm({ action: "discard", ids: [...selected] })}>
              Discard {selected.size}…
            </button>
          </div>
        )}
      </form>

      <div className="card overflow-x-auto">
        {/* A table on wide screens; on a phone each row is a card. */}
        <table className="block w-full text-sm md:table md:table-fixed" data-testid="request-table">
          <caption className="sr-only">{TABS.find((t) => t.tab === tab)?.label} requests, newest first</caption>
          <thead className="card-thead hidden md:table-header-group">
            <tr>
              {triage && <th className="w-9 px-2 py-2"><span className="sr-only">Select</span></th>}
              <th className="w-28 px-2 py-2">Status</th>
              <th className="px-2 py-2">Command</th>
              <th className="w-44 px-2 py-2">Agent / session</th>
              <th className="w-56 px-2 py-2">{tab === "dead" ? "Why dead" : "Decision"}</th>
              <th className="w-24 px-2 py-2">Age</th>
              {triage && <th className="w-44 px-2 py-2 text-right">Triage</th>}
            </tr>
          </thead>
          <tbody className="block md:table-row-group">
            {items.length === 0 && (
              <tr className="block md:table-row">
                <td colSpan={7} className="block px-3 py-8 text-center muted md:table-cell" data-testid="table-empty">
                  {last?.partial ? "No matches among the requests searched so far." : "No requests here."}
                </td>
              </tr>
            )}
            {items.map((r) => (
              <tr key={r.id} data-testid="request-row" data-id={r.id} className="flex flex-wrap items-start gap-x-3 gap-y-1.5 border-b border-zinc-100 px-3 py-3 align-top last:border-0 md:table-row md:p-0 dark:border-zinc-800 max-md:[&>td]:p-0">
                {triage && (
                  <td className="px-2 py-2 max-md:order-1">
                    <input
                      type="checkbox"
                      aria-label={`Select request ${r.id}`}
                      checked={selected.has(r.id)}
                      onChange={() => setSelected((s) => toggled(s, r.id))}
                    />
                  </td>
                )}
                <td className="space-y-1 px-2 py-2 max-md:order-2 max-md:flex max-md:items-center max-md:gap-2 max-md:space-y-0">
                  <StatusBadge status={r.status} />
                  {r.exitCode !== null && <div className="font-mono text-xs muted">exit {r.exitCode}</div>}
                </td>
                <td className="min-w-0 px-2 py-2 max-md:order-4 max-md:basis-full">
                  <div className="mb-1 flex items-center gap-2">
                    <PriorityBadge priority={r.priority} />
                    <Link href={`/requests/${r.id}`} data-testid="detail-link" className="font-mono text-[11px] text-sky-700 hover:underline dark:text-sky-400">
                      {r.id.slice(-8)} details →
                    </Link>
                  </div>
                  <Command text={r.command} />
                  {r.reason && <p className="mt-1 truncate text-xs text-zinc-600 dark:text-zinc-400">{r.reason}</p>}
                </td>
                <td className="px-2 py-2 max-md:order-5 max-md:flex max-md:min-w-0 max-md:basis-full max-md:gap-2">
                  <div className="truncate font-medium">{r.agentId}</div>
                  <div className="truncate font-mono text-xs muted">{r.session}</div>
                </td>
                <td className="px-2 py-2 text-xs max-md:order-6 max-md:min-w-0 max-md:basis-full">
                  {tab === "dead" ? (
                    <>
                      <div className="line-clamp-3 break-words text-red-700 dark:text-red-300" title={r.lastError ?? undefined} data-testid="dead-reason">
                        {r.lastError ?? "–"}
                      </div>
                      <div className="muted">{r.attempts} attempt{r.attempts === 1 ? "" : "s"}</div>
                    </>
                  ) : r.decidedBy ? (
                    <>
                      <div>
                        {r.status === "expired" || r.status === "cancelled" ? r.status : r.status === "rejected" ? "rejected" : "approved"} by{" "}
                        <span className="font-medium">{r.decidedBy}</span>
                      </div>
                      {r.decisionComment && <div className="truncate muted" title={r.decisionComment}>“{r.decisionComment}”</div>}
                      {r.decidedAt && <div className="muted">{dateTime(r.decidedAt, zone)}</div>}
                    </>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td className="px-2 py-2 tabular-nums text-xs max-md:order-3 max-md:ml-auto max-md:text-zinc-500" title={new Date(r.createdAt).toISOString()}>
                  {duration(now - r.createdAt)}
                </td>
                {triage && (
                  <td className="px-2 py-2 text-right max-md:order-7 max-md:basis-full">
                    <div className="grid grid-cols-2 gap-2 md:flex md:justify-end md:gap-1.5 max-md:[&>button]:h-11 max-md:[&>button]:text-base">
                      <button type="button" className="btn" data-testid="requeue" onClick={() => void run([r.id], "requeue")}>
                        Requeue
                      </button>
                      <button type="button" className="btn" data-testid="discard" onClick={() => void run([r.id], "discard")}>
                        Discard
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="flex items-center gap-3 border-t border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
          <span className="muted">
            {count(items.length)} shown{last?.partial ? " — the search looks at 10,000 requests at a time" : ""}
          </span>
          {last?.nextCursor && (
            <button type="button" className="btn" data-testid="load-more" disabled={isValidating} onClick={() => void setSize(size + 1)}>
              {last.partial ? "Search further" : "Load more"}
            </button>
          )}
        </div>
      </div>

      {confirm && (
        <ConfirmDialog
          title={`${confirm.action === "requeue" ? "Requeue" : "Discard"} ${confirm.ids.length} dead letter${confirm.ids.length === 1 ? "" : "s"}?`}
          body={
            confirm.action === "requeue"
              ? `The ${confirm.ids.length} selected commands will be queued to run again.`
              : `The ${confirm.ids.length} selected dead letters will be hidden from this list (kept until pruned).`
          }
          confirmLabel={`${confirm.action === "requeue" ? "Requeue" : "Discard"} ${confirm.ids.length}`}
          onClose={() => setConfirm(null)}
          onConfirm={() => {
            const c = confirm;
            setConfirm(null);
            void run(c.ids, c.action);
          }}
        />
      )}
      {feedback}
    </div>
  );
}
