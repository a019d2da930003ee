#!/usr/bin/env bash
# Runs the herald CLI against Redis: $HERALD_REDIS when set, else a private server started here
# with scripts/redis.sh and stopped again on exit. A known command runs as given (./run.sh bench resp);
# anything else runs the live demo with those arguments (./run.sh, ./run.sh --duration 10).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -z "${HERALD_REDIS:-}" ]]; then
  if HERALD_REDIS="$(scripts/redis.sh url 2>/dev/null)"; then
    : # Started earlier by hand: leave it running.
  else
    HERALD_REDIS="$(scripts/redis.sh start)"
    trap 'scripts/redis.sh stop' EXIT
  fi
fi
export HERALD_REDIS
echo "Using $HERALD_REDIS" >&2

dotnet build src/Herald.Cli -c Release -nodeReuse:false -v quiet -nologo >&2
herald() {
  dotnet run --project src/Herald.Cli -c Release --no-build -- "$@"
}

case "${1:-}" in
  ping|info|bench|demo|publish|listen|tail|ls|groups|lag|dlq|pause|resume|workers|stats|acl|help|--help|-h|-\?|--version)
    herald "$@" ;;
  *) herald demo "$@" ;;
esac
