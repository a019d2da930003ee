#!/usr/bin/env bash
# Builds Herald and runs every test project. Installs what the tests need when it is missing.
# Tests start their own redis-servers (TestKit fixtures); this script starts none.
# The last line is the total over all projects: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/common.sh
source scripts/common.sh
exec </dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/redis.sh install
apt_install python3-redis python3-cryptography tmux

RESULTS_DIR="$PWD/artifacts/test-results"
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# The fixtures' data folders go under a root of this run, so that servers a crashed test host
# left behind can be found by their pid files and stopped, and nothing else is touched.
HERALD_TESTKIT_ROOT="$(mktemp -d -t herald-testkit.XXXXXX)"
export HERALD_TESTKIT_ROOT

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local pid_file pid
  for pid_file in "$HERALD_TESTKIT_ROOT"/*/redis.pid; do
    [[ -f "$pid_file" ]] || continue
    pid="$(<"$pid_file")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$HERALD_TESTKIT_ROOT"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$HERALD_TESTKIT_ROOT"
}
trap cleanup EXIT

# attribute NAME COUNTERS: the value of NAME="…" in a TRX <Counters …/> element, 0 when absent.
attribute() {
  local value
  value="$(grep -o " $1=\"[0-9]*\"" <<<"$2" | grep -o '[0-9]\+' || true)"
  echo "${value:-0}"
}

# Sums the counters of every TRX file: one line "passed failed skipped".
sum_results() {
  local passed=0 failed=0 skipped=0 trx counters
  for trx in "$RESULTS_DIR"/*.trx; do
    [[ -f "$trx" ]] || continue
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    passed=$((passed + $(attribute passed "$counters")))
    failed=$((failed + $(attribute failed "$counters") + $(attribute error "$counters") + $(attribute timeout "$counters") + $(attribute aborted "$counters")))
    skipped=$((skipped + $(attribute notExecuted "$counters")))
  done
  echo "$passed $failed $skipped"
}

if ! dotnet build Herald.slnx -c Release -nodeReuse:false; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
dotnet test Herald.slnx -c Release --no-build -nodeReuse:false \
  --results-directory "$RESULTS_DIR" \
  --logger "trx;LogFilePrefix=herald" \
  --logger "console;verbosity=minimal" \
  --blame-hang-timeout 15m --blame-hang-dump-type none ||
  status=$?

read -r passed failed skipped < <(sum_results)
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  # The runner failed without a failed test to show for it (a crashed or hung test host).
  echo "dotnet test exited with $status; counting the run as one failure."
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
