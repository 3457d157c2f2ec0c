# Runs one Gatehouse job as the only process of its tmux window (see lib/tmux/runner.ts).
# Started by tmux as: /bin/bash wrapper.sh JOBDIR
#
# JOBDIR holds what the runner wrote: `command` (the text, run by bash as a script, so it is never
# parsed by tmux or quoted into a string), `cwd`, and `keep` when the window should stay after the
# run. The wrapper adds `output` (stdout and stderr, as they come) and `exit` (the exit code and a
# newline). The runner learns of `exit` through inotify on JOBDIR: no tmux call wakes it.
#
# As the pane's first process, this shell leads the pane's process group; the command and
# everything it forks stay in that group unless they leave it themselves, which is how the
# runner's time limit reaches them; those that leave it still carry GATEHOUSE_JOB.
set -u
job=$1
# Every process of the job inherits this mark, even one that leaves the process group (setsid, a
# daemon's double fork): the time limit finds those by it in /proc (lib/tmux/job-processes.ts).
export GATEHOUSE_JOB=$job
IFS= read -r -d '' cwd < "$job/cwd"

# stdin is /dev/null: nobody types into a job window, and a command that prompts should fail
# at once instead of hanging until its time limit.
#
# The command runs in the pipeline's own subshell, read as a script (`.`) rather than by a bash
# started for it: one program start fewer per job (~1.2 ms of CPU here). It gets what that new
# bash would have: no positional parameters, none of this script's variables, no `set -u`.
{
  cd -- "$cwd" 2>/dev/null || { printf 'gatehouse: cannot change to directory %s\n' "$cwd"; exit 1; }
  GATEHOUSE_COMMAND_FILE=$job/command
  unset job cwd
  set +u --
  . "$GATEHOUSE_COMMAND_FILE"
} < /dev/null 2>&1 | tee -- "$job/output"
code=${PIPESTATUS[0]}

# One write(2) of "CODE\n"; a reader takes the file as final only with its newline. (A temp file
# and `mv` would do the same at the price of a process: a seventh of a job's CPU, measured.)
printf '%s\n' "$code" > "$job/exit"

if [ -e "$job/keep" ]; then
  # A kept window stays open on a sleeping process rather than as a dead pane: tmux 3.3 drops a
  # pane's last output when its process exits before tmux has read it.
  printf '\n[gatehouse: exit %s; window kept for inspection]\n' "$code"
  exec sleep infinity
fi
# Otherwise the window closes as this shell exits (the runner turned remain-on-exit off for it).
