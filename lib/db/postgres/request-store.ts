import type { Rule } from "../rows";
import type { Pg } from "./client";
import type { RequestStore } from "../store";
import { cachedList } from "./config-cache";
import { PlanRefused, applyPlans } from "./requests/apply";
import { insertRequest } from "./requests/insert";
import { listRequestRows, listRequests } from "./requests/list";
import { duePending, getRequest, idsWithStatus, listEvents, markAgentWaited, statuses } from "./requests/reads";
import { addRule, deleteRule, listRules, seedRules } from "./requests/rules";
import { watchRequests } from "./requests/watch";

/** Requests, their audit trail and the policy rules, in PostgreSQL; each method one transaction or one statement. */
export function requestStore(pg: Pg): RequestStore {
  const rules = cachedList<Rule>(pg, "rules", () => listRules(pg));
  return {
    getRequest: (id) => getRequest(pg, id),
    insertRequest: (write) => insertRequest(pg, write),
    async apply(plans) {
      try {
        const { rows, remembered } = await pg.tx((c) => applyPlans(c, plans));
        if (remembered) rules.forget();
        return { ok: true, rows };
      } catch (err) {
        if (err instanceof PlanRefused) return err.refusal;
        throw err;
      }
    },
    duePending: (now, limit) => duePending(pg, now, limit),
    markAgentWaited: (id, at) => markAgentWaited(pg, id, at),
    idsWithStatus: (ids, wanted) => idsWithStatus(pg, ids, wanted),
    statuses: (ids) => statuses(pg, ids),
    listRequests: (query) => listRequests(pg, query),
    listRequestRows: (query) => listRequestRows(pg, query),
    listEvents: (requestId) => listEvents(pg, requestId),
    watchRequests: (onChange, pollMs) => watchRequests(pg, onChange, pollMs),
    listRules: () => rules.read(),
    // This process's own changes are read back at once, without waiting for their NOTIFY.
    addRule: (rule) => addRule(pg, rule).finally(rules.forget),
    deleteRule: (id) => deleteRule(pg, id).finally(rules.forget),
    seedRules: (seed, marker, now) => seedRules(pg, seed, marker, now).finally(rules.forget),
  };
}
