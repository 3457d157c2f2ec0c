import { noop } from "../../lib/queue/actors";
import { bind, type Handlers } from "../handler";
import { runNoop } from "./noop";
// Request lifecycle hooks and the pending-request expiry task, registered before the worker starts.
import "../requests";

/** Every actor this worker can run, by name. A claimed message for any other actor is dead-lettered. */
export const handlers: Handlers = {
  ...bind(noop, runNoop),
};
