import "server-only";
import path from "node:path";
import type { Db } from "../client";
import { config } from "../../config";
import { getRequest } from "../../requests/lifecycle";
import { presentRequest, type ApiRequest } from "../../requests/present";
import { listEvents, presentEvent } from "../../requests/read";
import { readLiveOutput, type LiveOutput } from "../../tmux/output";

export interface RequestDetail {
  request: ApiRequest;
  events: ReturnType<typeof presentEvent>[];
  /** The output so far while the command runs (read from its job directory); null otherwise. */
  live: LiveOutput | null;
}

/** Where the worker keeps a request's job files (command, output, exit code). */
export function jobDirOf(requestId: string): string {
  const settings = config();
  const jobs = settings.GATEHOUSE_JOBS_DIR ?? path.join(path.dirname(path.resolve(settings.GATEHOUSE_DB)), "jobs");
  return path.join(jobs, requestId);
}

/** Everything the detail page shows about one request, or null when there is no such request. */
export async function requestDetail(db: Db, id: string): Promise<RequestDetail | null> {
  const row = getRequest(db, id);
  if (!row) return null;
  const live = row.status === "running" ? await readLiveOutput(jobDirOf(row.id)).catch(() => null) : null;
  return { request: presentRequest(row), events: listEvents(db, id).map(presentEvent), live };
}
