"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ApiError } from "@/lib/http/errors";
import { postJson } from "./api";
import { ConfirmDialog } from "./dialog";
import { useFeedback } from "./feedback";
import { useTimeZone } from "./clock";
import { count, dateTime } from "./format";
import { useUser } from "./user-context";

export interface RuleView {
  id: string;
  kind: "deny" | "ask" | "allow";
  pattern: string;
  agentId: string | null;
  session: string | null;
  createdBy: string;
  note: string | null;
  createdAt: number;
  /** Of the last `window` requests, how many this rule would have matched. */
  matches: number;
}

const KIND_STYLE = {
  deny: "bg-red-100 text-red-900 dark:bg-red-500/20 dark:text-red-200",
  ask: "bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200",
  allow: "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200",
};

async function deleteRule(id: string) {
  const res = await fetch(`/api/rules/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!res.ok) throw ApiError.fromBody(res.status, await res.json().catch(() => null));
}

export function RulesView({ rules, window }: { rules: RuleView[]; window: number }) {
  const user = useUser();
  const zone = useTimeZone();
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const [removing, setRemoving] = useState<RuleView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { show, view: feedback } = useFeedback();

  const add = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const f = new FormData(formEl);
    const opt = (k: string) => (String(f.get(k) ?? "").trim() || null);
    const res = await postJson("/api/rules", { kind: f.get("kind"), pattern: f.get("pattern"), agentId: opt("agentId"), session: opt("session"), note: opt("note") });
    if (!res.ok) {
      setError(res.error.issues?.map((i) => `${i.path}: ${i.message}`).join("; ") || res.error.message);
      return;
    }
    setError(null);
    formEl.reset();
    show({ ok: true, message: "Rule added; it applies to new requests from now on." });
    startRefresh(() => router.refresh());
  };

  const remove = async (rule: RuleView) => {
    setRemoving(null);
    try {
      await deleteRule(rule.id);
      show({ ok: true, message: `Removed the ${rule.kind} rule “${rule.pattern}”.` });
    } catch (err) {
      show({ ok: false, message: (err as Error).message });
    }
    startRefresh(() => router.refresh());
  };

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold">Rules</h1>
        <p className="mt-1 text-sm muted">
          Checked deny → ask → allow, first match wins. <code className="font-mono">*</code> matches any text. “Would match” counts the last {count(window)} requests.
        </p>
      </div>

      {user.isAdmin ? (
        <form onSubmit={(e) => void add(e)} className="card grid grid-cols-2 items-end gap-2 p-4 md:flex md:flex-wrap" aria-label="Add a rule" data-testid="rule-form">
          <label className="text-xs font-medium">
            Kind
            <select name="kind" className="input mt-0.5 block w-full md:w-auto" data-testid="rule-kind" defaultValue="allow">
              <option value="allow">allow</option>
              <option value="ask">ask</option>
              <option value="deny">deny</option>
            </select>
          </label>
          <label className="col-span-2 text-xs font-medium md:min-w-64 md:flex-1">
            Pattern
            <input name="pattern" required placeholder="npm test*" className="input mt-0.5 block w-full font-mono" data-testid="rule-pattern" />
          </label>
          <label className="text-xs font-medium">
            Agent (optional)
            <input name="agentId" className="input mt-0.5 block w-full md:w-36" />
          </label>
          <label className="text-xs font-medium">
            Session (optional)
            <input name="session" className="input mt-0.5 block w-full md:w-40" />
          </label>
          <label className="text-xs font-medium">
            Note
            <input name="note" className="input mt-0.5 block w-full md:w-48" />
          </label>
          <button type="submit" className="btn-primary" data-testid="rule-add" disabled={refreshing}>
            Add rule
          </button>
          {error && <p role="alert" className="col-span-2 w-full text-sm text-red-600 dark:text-red-400">{error}</p>}
        </form>
      ) : (
        <p className="text-sm muted" data-testid="rules-readonly">Only an admin can add or remove rules.</p>
      )}

      <div className="card overflow-x-auto">
        {/* A table on wide screens; on a phone each rule is a card. */}
        <table className="block w-full text-sm md:table" data-testid="rules-table">
          <thead className="card-thead hidden md:table-header-group">
            <tr>
              <th className="px-3 py-2 font-medium">Kind</th>
              <th className="px-3 py-2 font-medium">Pattern</th>
              <th className="px-3 py-2 font-medium">Scope</th>
              <th className="px-3 py-2 text-right font-medium">Would match</th>
              <th className="px-3 py-2 font-medium">Added</th>
              {user.isAdmin && <th className="px-3 py-2"><span className="sr-only">Remove</span></th>}
            </tr>
          </thead>
          <tbody className="block md:table-row-group">
            {rules.map((r) => (
              <tr key={r.id} data-testid="rule-row" className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-100 px-3 py-2.5 align-top last:border-0 md:table-row md:p-0 dark:border-zinc-800 max-md:[&>td]:p-0">
                <td className="px-3 py-2 max-md:order-1">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${KIND_STYLE[r.kind]}`}>{r.kind}</span>
                </td>
                <td className="min-w-0 px-3 py-2 max-md:order-3 max-md:basis-full">
                  <code className="break-all font-mono text-[13px]">{r.pattern}</code>
                  {r.note && <div className="text-xs muted">{r.note}</div>}
                </td>
                <td className="px-3 py-2 text-xs max-md:order-2">
                  {r.agentId || r.session ? [r.agentId && `agent ${r.agentId}`, r.session && `session ${r.session}`].filter(Boolean).join(", ") : <span className="muted">everyone</span>}
                </td>
                <td className="px-3 py-2 text-right tabular-nums max-md:order-2 max-md:ml-auto max-md:text-xs" data-testid="rule-matches">
                  {count(r.matches)}
                  <span className="muted md:hidden"> would match</span>
                </td>
                <td className="px-3 py-2 text-xs muted max-md:order-4">
                  {r.createdBy}, {dateTime(r.createdAt, zone)}
                </td>
                {user.isAdmin && (
                  <td className="px-3 py-2 text-right max-md:order-5 max-md:ml-auto">
                    <button type="button" className="btn" data-testid="rule-remove" aria-label={`Remove rule ${r.pattern}`} onClick={() => setRemoving(r)}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {removing && (
        <ConfirmDialog
          title="Remove this rule?"
          body={
            <>
              The {removing.kind} rule <code className="font-mono">{removing.pattern}</code> stops applying to new requests.
            </>
          }
          confirmLabel="Remove rule"
          onClose={() => setRemoving(null)}
          onConfirm={() => void remove(removing)}
        />
      )}
      {feedback}
    </div>
  );
}
