"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { ListResponse, RequestRow } from "@/lib/requests/list";
import { PriorityBadge } from "./badges";
import { Command } from "./command";
import { GateMarks } from "./gate-marks";
import { decide, decideMany, type Action } from "./decisions";
import { ConfirmDialog, Dialog, RejectDialog } from "./dialog";
import { useFeedback } from "./feedback";
import { duration } from "./format";
import { useNow } from "./clock";
import { SAFETY_NET_MS, useLive } from "./live";
import { toggled } from "./selection";
import { useUser } from "./user-context";

/** A request that appeared less than this long ago cannot be approved by a keypress meant for another row. */
export const ARRIVAL_GUARD_MS = 1000;

type Page = ListResponse;
type Pending =
  | { kind: "reject"; ids: string[] }
  | { kind: "bulk-approve"; ids: string[] }
  | { kind: "help" }
  | null;

export function Inbox({ initial }: { initial: Page }) {
  const user = useUser();
  const now = useNow();
  const [sort, setSort] = useState<"newest" | "oldest">("oldest");
  // When each row first appeared on this screen: the guard against approving a row that slid in
  // under the cursor a moment before the keypress.
  const [firstSeen, setFirstSeen] = useState(() => seen(new Map(), initial.items, Date.now()));
  const { data, mutate } = useLive<Page>(`/api/dashboard/requests?tab=pending&sort=${sort}&limit=200`, sort === "oldest" ? initial : undefined, SAFETY_NET_MS, {
    onSuccess: (page) => setFirstSeen((m) => seen(m, page.items, Date.now())),
  });
  const items = data?.items ?? [];
  const armed = (id: string) => now - (firstSeen.get(id) ?? now) >= ARRIVAL_GUARD_MS;
  const [cursorAt, setCursor] = useState(0);
  // Rows decided elsewhere can shrink the list under the cursor: it then rests on the last row.
  const last = Math.max(0, items.length - 1);
  const cursor = Math.min(cursorAt, last);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [modal, setModal] = useState<Pending>(null);
  const { show, view: feedback } = useFeedback();

  const current = items[cursor];

  const act = async (ids: string[], action: Action, body: { reason?: string; remember?: boolean } = {}) => {
    setBusy((b) => new Set([...b, ...ids]));
    const outcome = ids.length === 1 ? await decide(ids[0]!, action, body) : await decideMany(ids, action, body.reason);
    show(outcome);
    setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
    setBusy((b) => new Set([...b].filter((id) => !ids.includes(id))));
    await mutate();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modal || e.metaKey || e.ctrlKey || e.altKey) return;
      const t = e.target as HTMLElement;
      if (t.closest("input, textarea, select, [contenteditable]")) return;
      if (e.key === "?") {
        setModal({ kind: "help" });
      } else if (e.key === "j") {
        setCursor(Math.min(cursor + 1, last));
      } else if (e.key === "k") {
        setCursor(Math.max(cursor - 1, 0));
      } else if (e.key === "x" && current) {
        setSelected((s) => toggled(s, current.id));
      } else if (e.key === "a" && current && user.canDecide) {
        if (!armed(current.id)) {
          show({ ok: false, message: "That request just arrived: look at it, then press a again." });
          return;
        }
        if (!busy.has(current.id)) void act([current.id], "approve");
      } else if (e.key === "r" && current && user.canDecide) {
        setModal({ kind: "reject", ids: [current.id] });
      } else {
        return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  useEffect(() => {
    document.querySelector(`[data-row-index="${cursor}"]`)?.scrollIntoView({ block: "nearest" });
  }, [cursor]);

  const selectedIds = items.filter((r) => selected.has(r.id)).map((r) => r.id);
  const allSelected = items.length > 0 && selectedIds.length === items.length;

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          Pending <span data-testid="pending-count" className="muted font-normal">({data?.tabs.pending ?? items.length})</span>
        </h1>
        <label className="flex items-center gap-1.5 text-sm">
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as "newest" | "oldest")} data-testid="inbox-sort" className="input py-1">
            <option value="oldest">Oldest first</option>
            <option value="newest">Newest first</option>
          </select>
        </label>
        {user.canDecide && selectedIds.length > 0 && (
          <div className="flex items-center gap-2" data-testid="bulk-bar">
            <span className="text-sm">{selectedIds.length} selected</span>
            <button type="button" className="btn-approve" data-testid="bulk-approve" onClick={() => setModal({ kind: "bulk-approve", ids: selectedIds })}>
              Approve {selectedIds.length}…
            </button>
            <button type="button" className="btn-reject" data-testid="bulk-reject" onClick={() => setModal({ kind: "reject", ids: selectedIds })}>
              Reject {selectedIds.length}…
            </button>
          </div>
        )}
        <button type="button" className="ml-auto hidden text-sm text-sky-700 hover:underline md:inline dark:text-sky-400" onClick={() => setModal({ kind: "help" })}>
          Keyboard: j k a r x ?
        </button>
      </div>
      {!user.canDecide && (
        <p data-testid="viewer-note" className="mb-3 rounded-md bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-900">
          You are signed in as a {user.role}: you can watch, but approving and rejecting needs the supervisor role.
        </p>
      )}

      {items.length === 0 ? (
        <div data-testid="inbox-empty" className="card p-10 text-center muted">
          Nothing waiting for a decision. New requests appear here within a second.
        </div>
      ) : (
        <div className="card overflow-hidden">
          {/* A table on wide screens; on a phone each row is a card with its buttons at the bottom. */}
          <table className="block w-full text-sm md:table md:table-fixed">
            <caption className="sr-only">Requests waiting for a decision</caption>
            <thead className="card-thead hidden md:table-header-group">
              <tr>
                <th className="w-9 px-2 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((r) => r.id)))}
                  />
                </th>
                <th className="px-2 py-2">Command</th>
                <th className="w-44 px-2 py-2">Agent / session</th>
                <th className="w-20 px-2 py-2">Age</th>
                <th className="w-[19.5rem] px-2 py-2 text-right">Decision</th>
              </tr>
            </thead>
            <tbody className="block md:table-row-group">
              {items.map((r, i) => (
                <InboxRow
                  key={r.id}
                  row={r}
                  index={i}
                  now={now}
                  active={i === cursor}
                  selected={selected.has(r.id)}
                  busy={busy.has(r.id)}
                  armed={armed(r.id)}
                  canDecide={user.canDecide}
                  onFocus={() => setCursor(i)}
                  onToggle={() => setSelected((s) => toggled(s, r.id))}
                  onApprove={(remember) => void act([r.id], "approve", { remember })}
                  onReject={() => setModal({ kind: "reject", ids: [r.id] })}
                />
              ))}
            </tbody>
          </table>
          {data?.nextCursor && (
            <p className="border-t border-zinc-200 px-3 py-2 text-xs muted dark:border-zinc-800">
              Showing the first {items.length} of {data.tabs.pending}; decide these to see the rest.
            </p>
          )}
        </div>
      )}

      {modal?.kind === "reject" && (
        <RejectDialog
          count={modal.ids.length}
          onClose={() => setModal(null)}
          onReject={(reason) => {
            setModal(null);
            void act(modal.ids, "reject", { reason });
          }}
        />
      )}
      {modal?.kind === "bulk-approve" && (
        <ConfirmDialog
          title={`Approve ${modal.ids.length} requests?`}
          body={<>Each of the {modal.ids.length} selected commands will be queued to run in its agent&apos;s tmux session.</>}
          confirmLabel={`Approve ${modal.ids.length}`}
          onClose={() => setModal(null)}
          onConfirm={() => {
            setModal(null);
            void act(modal.ids, "approve");
          }}
        />
      )}
      {modal?.kind === "help" && <KeyboardHelp onClose={() => setModal(null)} />}
      {feedback}
    </div>
  );
}

/** `firstSeen` with the rows it does not know yet stamped `at`; the same map when there are none. */
function seen(firstSeen: Map<string, number>, rows: RequestRow[], at: number): Map<string, number> {
  const fresh = rows.filter((r) => !firstSeen.has(r.id));
  if (fresh.length === 0) return firstSeen;
  return new Map([...firstSeen, ...fresh.map((r) => [r.id, at] as const)]);
}

function InboxRow(props: {
  row: RequestRow;
  index: number;
  now: number;
  active: boolean;
  selected: boolean;
  busy: boolean;
  armed: boolean;
  canDecide: boolean;
  onFocus: () => void;
  onToggle: () => void;
  onApprove: (remember: boolean) => void;
  onReject: () => void;
}) {
  const { row: r } = props;
  return (
    <tr
      data-testid="inbox-row"
      data-id={r.id}
      data-row-index={props.index}
      data-active={props.active}
      data-armed={props.armed}
      onClick={props.onFocus}
      className={`grid grid-cols-[2rem_minmax(0,1fr)_auto] gap-x-1 border-b border-zinc-100 px-2 py-3 align-top last:border-0 md:table-row md:p-0 dark:border-zinc-800 ${
        props.active ? "bg-sky-50 shadow-[inset_3px_0_0_0_var(--color-sky-500)] dark:bg-sky-950/40" : ""
      } ${props.armed ? "" : "animate-pulse"}`}
    >
      <td className="px-2 py-2.5 max-md:col-start-1 max-md:row-start-1 max-md:p-0 max-md:pt-0.5">
        <input type="checkbox" aria-label={`Select request ${r.id}`} checked={props.selected} onChange={props.onToggle} />
      </td>
      <td className="min-w-0 px-2 py-2.5 max-md:col-start-2 max-md:row-start-1 max-md:p-0">
        <div className="mb-1 flex items-center gap-2">
          <PriorityBadge priority={r.priority} />
          <Link href={`/requests/${r.id}`} className="font-mono text-[11px] text-zinc-400 hover:underline">
            {r.id.slice(-8)}
          </Link>
          <GateMarks row={r} now={props.now} />
        </div>
        <Command text={r.command} />
        {r.reason && <p className="mt-1 text-zinc-600 dark:text-zinc-300" data-testid="reason">{r.reason}</p>}
        {r.cwd && <p className="mt-0.5 font-mono text-xs muted">in {r.cwd}</p>}
      </td>
      <td className="px-2 py-2.5 max-md:col-span-2 max-md:col-start-2 max-md:row-start-2 max-md:mt-1.5 max-md:flex max-md:min-w-0 max-md:gap-2 max-md:p-0">
        <div className="truncate font-medium" data-testid="agent">{r.agentId}</div>
        <div className="truncate font-mono text-xs muted">{r.session}</div>
      </td>
      <td className="px-2 py-2.5 tabular-nums max-md:col-start-3 max-md:row-start-1 max-md:p-0 max-md:text-xs max-md:text-zinc-500" data-testid="age" title={new Date(r.createdAt).toISOString()}>
        {duration(props.now - r.createdAt)}
      </td>
      <td className="px-2 py-2.5 text-right max-md:col-span-3 max-md:row-start-3 max-md:mt-3 max-md:p-0">
        {props.canDecide ? (
          <div className="grid grid-cols-[1fr_auto_1fr] gap-2 md:flex md:justify-end md:gap-1.5 max-md:[&>button]:h-11 max-md:[&>button]:text-base">
            <button type="button" className="btn-approve" disabled={props.busy} data-testid="approve" onClick={() => props.onApprove(false)}>
              Approve
            </button>
            <button
              type="button"
              className="btn"
              disabled={props.busy}
              data-testid="approve-remember"
              title="Approve, and allow this exact command for this agent from now on"
              onClick={() => props.onApprove(true)}
            >
              &amp; remember
            </button>
            <button type="button" className="btn-reject" disabled={props.busy} data-testid="reject" onClick={props.onReject}>
              Reject…
            </button>
          </div>
        ) : (
          <span className="text-xs muted">view only</span>
        )}
      </td>
    </tr>
  );
}

function KeyboardHelp({ onClose }: { onClose: () => void }) {
  const keys: [string, string][] = [
    ["j / k", "next / previous request"],
    ["a", "approve the highlighted request (not within its first second on screen)"],
    ["r", "reject it, with a reason"],
    ["x", "select it for a bulk decision"],
    ["?", "this help"],
    ["Esc", "close a dialog"],
  ];
  return (
    <Dialog title="Keyboard" onClose={onClose} testId="keyboard-help">
      <dl className="grid grid-cols-[5rem_1fr] gap-y-1.5 text-sm">
        {keys.map(([k, v]) => (
          <div key={k} className="contents">
            <dt>
              <kbd className="rounded border border-zinc-300 px-1.5 font-mono text-xs dark:border-zinc-600">{k}</kbd>
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-4 flex justify-end">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
