"use client";
import { useState } from "react";
import type { RunnerStatus } from "@/lib/dashboard/health";
import { postJson } from "./api";
import { ConfirmDialog } from "./dialog";
import { useFeedback } from "./feedback";
import { duration } from "./format";
import { numeric, PanelTableHead } from "./panel";
import { useUser } from "./user-context";

const STATE_STYLE = {
  connected: "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200",
  gone: "bg-red-600 text-white",
  revoked: "bg-zinc-200 text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200",
};

/** Runners on agent hosts; an admin can revoke one. */
export function RunnersTable({ runners, now, onChange }: { runners: RunnerStatus[]; now: number; onChange: () => void }) {
  const user = useUser();
  const [revoking, setRevoking] = useState<RunnerStatus | null>(null);
  const { show, view: feedback } = useFeedback();
  if (runners.length === 0) {
    return (
      <p data-testid="no-runners" className="muted text-sm">
        No runners: every session&apos;s commands run on this host. Add one with <code className="font-mono">npx gatehouse runner add NAME --sessions a,b</code>.
      </p>
    );
  }
  const revoke = async (r: RunnerStatus) => {
    setRevoking(null);
    const res = await postJson(`/api/runners/${encodeURIComponent(r.id)}/revoke`);
    show(res.ok ? { ok: true, message: `Revoked runner ${r.id}; its sessions run on this host again.` } : { ok: false, message: res.error.message });
    onChange();
  };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="runners-table">
        <PanelTableHead columns={["State", "Runner", "Sessions", "Last seen", numeric("Holding"), ...(user.isAdmin ? [""] : [])]} />
        <tbody>
          {runners.map((r) => (
            <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800" data-testid="runner-row">
              <td className="py-1.5 pr-2">
                <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATE_STYLE[r.state]}`}>{r.state}</span>
              </td>
              <td className="py-1.5 pr-2 font-mono text-xs">{r.id}</td>
              <td className="py-1.5 pr-2 font-mono text-xs">{r.sessions.join(", ")}</td>
              <td className="py-1.5 pr-2">{r.lastSeenAt ? `${duration(now - r.lastSeenAt)} ago` : "never"}</td>
              <td className="py-1.5 pr-2 text-right tabular-nums">{r.leased}</td>
              {user.isAdmin && (
                <td className="py-1.5 text-right">
                  {r.state !== "revoked" && (
                    <button type="button" className="btn" data-testid="runner-revoke" aria-label={`Revoke runner ${r.id}`} onClick={() => setRevoking(r)}>
                      Revoke
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {revoking && (
        <ConfirmDialog
          title={`Revoke runner ${revoking.id}?`}
          body={<>Its token stops working at once, and the commands of {revoking.sessions.join(", ")} run on this host again. A command it runs now ends dead (interrupted) when its lease runs out.</>}
          confirmLabel="Revoke runner"
          onClose={() => setRevoking(null)}
          onConfirm={() => void revoke(revoking)}
        />
      )}
      {feedback}
    </div>
  );
}
