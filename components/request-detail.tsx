"use client";
import { useState } from "react";
import type { RequestDetail as Detail } from "@/lib/dashboard/request-detail";
import { TERMINAL_STATUSES } from "@/lib/requests/statuses";
import { PriorityBadge, StatusBadge } from "./badges";
import { Command } from "./command";
import { decide, type Action } from "./decisions";
import { RejectDialog } from "./dialog";
import { useFeedback } from "./feedback";
import { dateTime, duration } from "./format";
import { useNow, useTimeZone } from "./clock";
import { SAFETY_NET_MS, useLive } from "./live";
import { useUser } from "./user-context";

const ACTIONS: Record<string, Action[]> = { pending: ["approve", "reject"], dead: ["requeue", "discard"], failed: ["requeue"] };

/** One request, live while it can still change: facts, audit timeline, output, allowed actions. */
export function RequestDetailView({ initial }: { initial: Detail }) {
  const user = useUser();
  const now = useNow();
  const zone = useTimeZone();
  const done = (TERMINAL_STATUSES as readonly string[]).includes(initial.request.status) && initial.request.status !== "dead";
  const { data, mutate } = useLive<Detail>(`/api/dashboard/requests/${initial.request.id}`, initial, done ? SAFETY_NET_MS : 1000);
  const d = data ?? initial;
  const r = d.request;
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const { show, view: feedback } = useFeedback();

  const act = async (action: Action, body: { reason?: string; remember?: boolean } = {}) => {
    setBusy(true);
    show(await decide(r.id, action, body));
    setBusy(false);
    await mutate();
  };
  const actions = r.status === "dead" && r.discardedAt ? [] : (ACTIONS[r.status] ?? []);
  const output = r.status === "running" ? (d.live?.output ?? null) : r.output;
  const facts: [string, React.ReactNode][] = [
    ["Agent", r.agentId],
    ["Session", <span key="s" className="font-mono">{r.session}</span>],
    ["Working directory", r.cwd ? <span key="c" className="font-mono">{r.cwd}</span> : "–"],
    ["Reason given", r.reason ?? "–"],
    ["Submitted", `${dateTime(r.createdAt, zone)} (${duration(now - Date.parse(r.createdAt))} ago)`],
    ["Decision", r.decision ? `${r.decision.by}, ${dateTime(r.decision.at, zone)}${r.decision.comment ? ` — “${r.decision.comment}”` : ""}` : "–"],
    ["Queued", dateTime(r.queuedAt, zone)],
    ["Started", dateTime(r.startedAt, zone)],
    ["Finished", dateTime(r.finishedAt, zone)],
    ["Run time", r.startedAt ? duration((r.finishedAt ? Date.parse(r.finishedAt) : now) - Date.parse(r.startedAt)) : "–"],
    ["Time limit", r.timeoutSec ? `${r.timeoutSec} s` : "default"],
    ["Attempts", String(r.attempts)],
    ["Expires", r.status === "pending" ? dateTime(r.expiresAt, zone) : "–"],
  ];

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="mb-2 flex flex-wrap items-center gap-2">
            <StatusBadge status={r.status} />
            <PriorityBadge priority={r.priority} />
            {r.exitCode !== null && (
              <span data-testid="exit-code" className={`rounded px-1.5 py-0.5 font-mono text-xs ${r.exitCode === 0 ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200" : "bg-red-100 text-red-900 dark:bg-red-500/20 dark:text-red-200"}`}>
                exit {r.exitCode}
              </span>
            )}
            {r.discardedAt && <span className="text-xs muted">discarded {dateTime(r.discardedAt, zone)}</span>}
            <span className="font-mono text-xs muted">{r.id}</span>
          </div>
          <h1 className="sr-only">Request {r.id}</h1>
          <Command text={r.command} full />
        </div>
        {user.canDecide && actions.length > 0 && (
          <div className="flex gap-2" data-testid="detail-actions">
            {actions.includes("approve") && (
              <>
                <button type="button" className="btn-approve" disabled={busy} data-testid="approve" onClick={() => void act("approve")}>
                  Approve
                </button>
                <button type="button" className="btn" disabled={busy} data-testid="approve-remember" onClick={() => void act("approve", { remember: true })}>
                  Approve &amp; remember
                </button>
              </>
            )}
            {actions.includes("reject") && (
              <button type="button" className="btn-reject" disabled={busy} data-testid="reject" onClick={() => setRejecting(true)}>
                Reject…
              </button>
            )}
            {actions.includes("requeue") && (
              <button type="button" className="btn" disabled={busy} data-testid="requeue" onClick={() => void act("requeue")}>
                Requeue
              </button>
            )}
            {actions.includes("discard") && (
              <button type="button" className="btn" disabled={busy} data-testid="discard" onClick={() => void act("discard")}>
                Discard
              </button>
            )}
          </div>
        )}
      </div>

      {r.lastError && (
        <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200" data-testid="last-error">
          <span className="font-medium">Last error:</span> {r.lastError}
        </p>
      )}

      <div className="grid gap-5 lg:grid-cols-[1fr_22rem]">
        <section className="card min-w-0 self-start overflow-hidden p-0" aria-labelledby="output-h">
          <div className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
            <h2 id="output-h" className="font-medium">Output</h2>
            {r.status === "running" && <span className="animate-pulse text-xs text-indigo-600 dark:text-indigo-300">● live</span>}
            {(r.outputTruncated || d.live?.outputTruncated) && <span className="text-xs text-amber-700 dark:text-amber-300">truncated (start and end kept)</span>}
          </div>
          <pre data-testid="output" className="max-h-[32rem] min-h-24 overflow-auto whitespace-pre-wrap break-all bg-zinc-950 p-4 font-mono text-[12.5px] leading-relaxed text-zinc-100">
            {output ?? (r.status === "pending" || r.status === "queued" ? "Not run yet." : r.status === "running" ? "Waiting for output…" : "No output recorded.")}
          </pre>
        </section>

        <section className="card p-4" aria-labelledby="facts-h">
          <h2 id="facts-h" className="mb-2 font-medium">Details</h2>
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="muted">{k}</dt>
                <dd className="min-w-0 break-words">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>

      <section className="card p-4" aria-labelledby="timeline-h">
        <h2 id="timeline-h" className="mb-3 font-medium">Audit timeline</h2>
        <ol className="relative space-y-3 border-l border-zinc-200 pl-5 dark:border-zinc-700" data-testid="timeline">
          {d.events.map((e) => (
            <li key={e.id} className="relative" data-testid="timeline-event">
              <span className="absolute -left-[1.6rem] top-1.5 h-2.5 w-2.5 rounded-full border-2 border-white bg-zinc-400 dark:border-zinc-900" aria-hidden />
              <div className="flex flex-wrap items-center gap-2 text-sm">
                {e.from ? <StatusBadge status={e.from} /> : <span className="text-xs muted">new</span>}
                <span aria-label="to" className="muted">→</span>
                <StatusBadge status={e.to} />
                <span className="font-medium">{e.actor}</span>
                <span className="text-xs muted">{dateTime(e.at, zone)}</span>
              </div>
              {e.reason && <p className="mt-0.5 text-sm text-zinc-700 dark:text-zinc-300">{e.reason}</p>}
            </li>
          ))}
        </ol>
      </section>

      {rejecting && (
        <RejectDialog
          count={1}
          onClose={() => setRejecting(false)}
          onReject={(reason) => {
            setRejecting(false);
            void act("reject", { reason });
          }}
        />
      )}
      {feedback}
    </div>
  );
}
