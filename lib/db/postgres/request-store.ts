import type { Pg } from "./client";
import type { RequestStore } from "../store";
import { PlanRefused, applyPlans } from "./requests/apply";
import { insertRequest } from "./requests/insert";
import { listRequestRows, listRequests } from "./requests/list";
import { duePending, getRequest, idsWithStatus, listEvents, markAgentWaited, statuses } from "./requests/reads";
import { addRule, deleteRule, ruleList, seedRules } from "./requests/rules";
import { watchRequests } from "./requests/watch";

/** Requests, their audit trail and the policy rules, in PostgreSQL; each method one transaction or one statement. */
export function requestStore(pg: Pg): RequestStore {
  const listRules = ruleList(pg);
  return {
    getRequest: (id) => getRequest(pg, id),
    insertRequest: (write) => insertRequest(pg, write),
    async apply(plans) {
      try {
        return await pg.tx((c) => applyPlans(c, plans));
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
    listRules,
    addRule: (rule) => addRule(pg, rule),
    deleteRule: (id) => deleteRule(pg, id),
    seedRules: (rules, marker, now) => seedRules(pg, rules, marker, now),
  };
}
