import { getRequest } from "../../lib/requests/lifecycle";
import { noticeFor, type NoticeEvent } from "../../lib/requests/notices";
import { tmuxFromConfig } from "../../lib/tmux/client";
import { notify } from "../../lib/tmux/notify";
import type { Handler } from "../handler";
import { log } from "../log";

/**
 * notify_session: tells an agent's session what happened to one of its requests, through
 * lib/tmux's notify (the session's inbox by default; GATEHOUSE_NOTIFY_MODE). A missing session or
 * server throws, so the queue retries with the actor's bounded backoff (10 retries, 1 s to 10 min)
 * and then keeps the notice as a dead letter: an agent that went away never makes this loop.
 */
export const notifyRequestSession: Handler<{ requestId: string; session: string; event: NoticeEvent }> = async (
  { requestId, session, event },
  ctx,
) => {
  const row = await getRequest(ctx.store, requestId);
  if (!row) {
    log.warn(`message ${ctx.messageId}: request ${requestId} no longer exists; the ${event} notice is dropped`);
    return;
  }
  await notify(tmuxFromConfig(), session, noticeFor(row, event));
};
