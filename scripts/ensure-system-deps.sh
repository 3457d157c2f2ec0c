#!/usr/bin/env bash
# Installs the Debian packages the tests need (tmux, Chromium, PostgreSQL for the postgres run of
# the suite) when they are missing.
set -euo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/bin/chromium ] || need+=(chromium)
# tests/support/pg.ts runs initdb and pg_ctl from Debian's layout; the package's own cluster is not used.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
[ -x /usr/bin/promtool ] || need+=(prometheus) # promtool check metrics, in tests/dashboard/metrics.test.ts
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing ${need[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
