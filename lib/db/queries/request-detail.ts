import "server-only";
import type { Db } from "../client";
import { getRequest } from "../../requests/lifecycle";
import { presentRequest, type ApiRequest } from "../../requests/present";
import { listEvents, presentEvent } from "../../requests/read";
import { readLiveOutput, type LiveOutput } from "../../tmux/output";
import { jobDirFor } from "../../tmux/paths";

export interface RequestDetail {
  request: ApiRequest;
  events: ReturnType<typeof presentEvent>[];
  /** The output so far while the command runs (read from its job directory); null otherwise. */
  live: LiveOutput | null;
}

/** Everything the detail page shows about one request, or null when there is no such request. */
export async function requestDetail(db: Db, id: string): Promise<RequestDetail | null> {
  const row = getRequest(db, id);
  if (!row) return null;
  const live = row.status === "running" ? await readLiveOutput(jobDirFor(row.id)).catch(() => null) : null;
  return { request: presentRequest(row), events: listEvents(db, id).map(presentEvent), live };
}
