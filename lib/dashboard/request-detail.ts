import "server-only";
import type { Store } from "../db/store";
import { getRequest } from "../requests/lifecycle";
import { presentRequest, type ApiRequest } from "../requests/present";
import { listEvents, presentEvent } from "../requests/read";
import { readLiveOutput, type LiveOutput } from "../tmux/output";
import { jobDirFor } from "../tmux/paths";

export interface RequestDetail {
  request: ApiRequest;
  events: ReturnType<typeof presentEvent>[];
  /** The output so far while the command runs (read from its job directory); null otherwise. */
  live: LiveOutput | null;
}

/** A running command's output so far; null when its job directory cannot be read. */
function liveOutputOf(id: string): LiveOutput | null {
  try {
    return readLiveOutput(jobDirFor(id));
  } catch {
    return null;
  }
}

/** Everything the detail page shows about one request, or null when there is no such request. */
export async function requestDetail(store: Store, id: string): Promise<RequestDetail | null> {
  const row = await getRequest(store, id);
  if (!row) return null;
  const live = row.status === "running" ? liveOutputOf(row.id) : null;
  return { request: presentRequest(row), events: (await listEvents(store, id)).map(presentEvent), live };
}
