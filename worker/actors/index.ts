import { deliverWebhook, executeApprovedCommand, noop, notifySession } from "../../lib/queue/actors";
import { bind, type Handlers } from "../handler";
import { deliverWebhookMessage } from "./deliver-webhook";
import { runApprovedCommand } from "./execute-approved-command";
import { runNoop } from "./noop";
import { notifyRequestSession } from "./notify-session";
// Request lifecycle hooks and the pending-request expiry task, registered before the worker starts.
import "../requests";
// Orphaned commands stopped, old job directories removed.
import "../jobs";

/** Every actor this worker can run, by name. A claimed message for any other actor is dead-lettered. */
export const handlers: Handlers = {
  ...bind(executeApprovedCommand, runApprovedCommand),
  ...bind(notifySession, notifyRequestSession),
  ...bind(deliverWebhook, deliverWebhookMessage),
  ...bind(noop, runNoop),
};
