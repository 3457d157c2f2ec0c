/** What a time limit tells when it runs out. */
export interface Expiring {
  timeLimitReached(): void;
}

/** One run's time limit, linked into its lane in the order the limits were started. */
export class TimeLimit {
  prev: TimeLimit | undefined;
  next: TimeLimit | undefined;

  constructor(
    readonly lane: Lane,
    readonly deadline: number,
    readonly target: Expiring,
  ) {}
}

/** The limits of one length, in start order, which is also deadline order. */
interface Lane {
  head: TimeLimit | undefined;
  tail: TimeLimit | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The time limits of a worker's runs, on one timer per limit length instead of one per run: a
 * Node timer per message cost a batched drain of no-ops ~8 % of its rate. Limits of one length
 * run out in the order they started, so each length keeps a list in that order and one timer for
 * the first of it. A limit cancelled at the head leaves that timer armed for its old deadline:
 * when it fires early, it arms again for the new head, so a limit is never told late.
 */
export class TimeLimits {
  private readonly lanes = new Map<number, Lane>();

  start(limitMs: number, target: Expiring): TimeLimit {
    let lane = this.lanes.get(limitMs);
    if (!lane) this.lanes.set(limitMs, (lane = { head: undefined, tail: undefined, timer: undefined }));
    const limit = new TimeLimit(lane, Date.now() + limitMs, target);
    limit.prev = lane.tail;
    if (lane.tail) lane.tail.next = limit;
    else lane.head = limit;
    lane.tail = limit;
    if (!lane.timer) this.arm(lane);
    return limit;
  }

  /** Forgets a limit whose run ended; its lane's timer stops once the lane is empty. */
  cancel(limit: TimeLimit): void {
    const { lane } = limit;
    if (limit.prev) limit.prev.next = limit.next;
    else if (lane.head === limit) lane.head = limit.next;
    else return; // already taken off (it ran out)
    if (limit.next) limit.next.prev = limit.prev;
    else lane.tail = limit.prev;
    limit.prev = limit.next = undefined;
    if (!lane.head) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
  }

  private arm(lane: Lane): void {
    const wait = Math.max(lane.head!.deadline - Date.now(), 1);
    lane.timer = setTimeout(() => this.fire(lane), wait);
  }

  private fire(lane: Lane): void {
    lane.timer = undefined;
    const now = Date.now();
    while (lane.head && lane.head.deadline <= now) {
      const limit = lane.head;
      this.cancel(limit);
      limit.target.timeLimitReached();
    }
    if (lane.head && !lane.timer) this.arm(lane);
  }
}
