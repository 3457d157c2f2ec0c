// What runners and the server say to each other over HTTP (/api/runner/…), checked on both ends.
// zod/mini, like everything the runner process loads, to keep it small.
import * as z from "zod/mini";

const lease = { id: z.number().check(z.int(), z.positive()), leaseToken: z.string().check(z.minLength(1), z.maxLength(200)) };
export const leaseSchema = z.object(lease);

/** A command to run in one of the runner's sessions. */
const commandJob = z.object({
  kind: z.literal("command"),
  ...lease,
  requestId: z.string(),
  session: z.string(),
  command: z.string(),
  cwd: z.nullable(z.string()),
  timeoutSec: z.number(),
});

/** A notice for one of the runner's sessions' inboxes. */
const noticeJob = z.object({ kind: z.literal("notice"), ...lease, requestId: z.string(), session: z.string(), text: z.string() });

export const jobSchema = z.discriminatedUnion("kind", [commandJob, noticeJob]);
export type RunnerJob = z.infer<typeof jobSchema>;
export type CommandJobMessage = z.infer<typeof commandJob>;

/**
 * POST /api/runner/claim: up to `limit` commands, with the runner's due notices on top (a notice
 * takes no command slot; 100 jobs at most), the response held up to `wait` seconds while there are
 * none. `limit` 0: notices alone, for a runner whose every slot is taken.
 */
export const claimBody = z.object({
  limit: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
  wait: z._default(z.number().check(z.minimum(0), z.maximum(60)), 25),
});
export const claimReply = z.object({ jobs: z.array(jobSchema), leaseMs: z.number() });

/** POST /api/runner/heartbeat → the leases the runner still holds; anything else it must abandon. */
export const heartbeatReply = z.object({ held: z.array(leaseSchema), leaseMs: z.number() });

/** POST /api/runner/output: bytes of a running command's output from `offset` (base64). */
export const outputBody = z.object({
  ...lease,
  offset: z.number().check(z.int(), z.minimum(0)),
  data: z.string().check(z.maxLength(256 * 1024)),
});

/** How a job ended, as the runner reports it. */
export const outcomeSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("finished"),
    exitCode: z.nullable(z.number().check(z.int())),
    output: z.string(),
    outputTruncated: z.boolean(),
    /** Why there is no normal exit (its time limit), or null. */
    error: z.nullable(z.string()),
    finishedAt: z.number(),
  }),
  /** Nothing ran (no session, no tmux server): it may be tried again. */
  z.object({ kind: z.literal("not_started"), error: z.string() }),
  /** It may have run: it never runs again by itself. */
  z.object({ kind: z.literal("interrupted"), error: z.string() }),
  /** A notice is in the session's inbox. */
  z.object({ kind: z.literal("delivered") }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** How a job ended, kept by the runner until the server accepts it. */
const report = z.object({ ...lease, outcome: outcomeSchema });
export type Report = z.infer<typeof report>;

/** Most reports in one call. */
export const MAX_REPORTS = 100;

const claimField = { claim: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(100)), 0) };

/**
 * POST /api/runner/report: one report (`id`, `leaseToken`, `outcome`), or several in `reports`
 * (each recorded on its own, as if sent alone). Idempotent by lease: `recorded` false means it was
 * already settled, or the lease is gone; for `reports`, one such flag per report, in order.
 * `claim` asks in the same call for up to that many commands (the slots those jobs held), notices
 * on top as for a claim, answered at once in `jobs`: a session's next command needs no claim of its own.
 */
export const reportBody = z.union([
  z.extend(report, claimField),
  z.object({ reports: z.array(report).check(z.minLength(1), z.maxLength(MAX_REPORTS)), ...claimField }),
]);
export const reportReply = z.object({ recorded: z.union([z.boolean(), z.array(z.boolean())]), jobs: z.array(jobSchema), leaseMs: z.number() });
