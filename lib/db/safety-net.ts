/**
 * How often a worker's safety-net check for new work runs once wake-ups are known to arrive (a
 * file event seen on SQLite, LISTEN in force on PostgreSQL): the check then only stands in for a
 * wake-up lost, and checking every 100 ms cost an idle worker more CPU than everything else it does.
 */
const CHECK_WHILE_WOKEN_MS = 1_000;

export interface SafetyNet {
  /** Wake-ups are known to arrive (true), or no longer (false); saying it again changes nothing. */
  wakeUpsArrive(yes: boolean): void;
  stop(): void;
}

/** Runs `check` every `pollMs`, and once wake-ups arrive once a second (or every `pollMs`, if longer). */
export function safetyNet(check: () => void, pollMs: number): SafetyNet {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let arrive = false;
  const every = (ms: number) => {
    clearInterval(timer);
    if (stopped) return;
    timer = setInterval(check, ms);
    timer.unref();
  };
  every(pollMs);
  return {
    // Called at every wake-up on SQLite: only a change of state touches the timer.
    wakeUpsArrive: (yes) => {
      if (yes === arrive) return;
      arrive = yes;
      every(yes ? Math.max(pollMs, CHECK_WHILE_WOKEN_MS) : pollMs);
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
