import { noop } from "../../lib/queue/actors";
import { bind, type Handlers } from "../handler";
import { runNoop } from "./noop";

/** Every actor this worker can run, by name. A claimed message for any other actor is dead-lettered. */
export const handlers: Handlers = {
  ...bind(noop, runNoop),
};
