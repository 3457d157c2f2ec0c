import type { Priority, RequestStatus } from "@/lib/requests/statuses";

const STATUS_STYLE: Record<RequestStatus, string> = {
  pending: "bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200",
  queued: "bg-sky-100 text-sky-900 dark:bg-sky-500/20 dark:text-sky-200",
  running: "bg-indigo-100 text-indigo-900 dark:bg-indigo-500/20 dark:text-indigo-200",
  succeeded: "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200",
  failed: "bg-red-100 text-red-900 dark:bg-red-500/20 dark:text-red-200",
  rejected: "bg-zinc-200 text-zinc-800 dark:bg-zinc-700 dark:text-zinc-200",
  expired: "bg-zinc-200 text-zinc-700 dark:bg-zinc-700 dark:text-zinc-300",
  cancelled: "bg-zinc-200 text-zinc-700 dark:bg-zinc-700 dark:text-zinc-300",
  dead: "bg-rose-200 text-rose-950 dark:bg-rose-500/30 dark:text-rose-100",
  allowed: "bg-violet-100 text-violet-900 dark:bg-violet-500/20 dark:text-violet-200",
};

const PRIORITY_STYLE: Record<Priority, string> = {
  LOW: "border-zinc-300 text-zinc-500 dark:border-zinc-600 dark:text-zinc-400",
  NORMAL: "border-zinc-300 text-zinc-700 dark:border-zinc-600 dark:text-zinc-300",
  HIGH: "border-amber-400 text-amber-800 dark:border-amber-500 dark:text-amber-300",
  URGENT: "border-orange-500 bg-orange-50 text-orange-800 dark:bg-orange-500/10 dark:text-orange-300",
  EMERGENCY: "border-red-600 bg-red-600 text-white dark:border-red-500 dark:bg-red-600",
};

export function StatusBadge({ status }: { status: RequestStatus }) {
  return (
    <span data-testid="status" className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[status]}`}>
      {status}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span
      data-testid="priority"
      title={`Priority ${priority}`}
      className={`inline-block rounded border px-1.5 py-px text-[11px] font-semibold tracking-wide ${PRIORITY_STYLE[priority]}`}
    >
      {priority}
    </span>
  );
}
