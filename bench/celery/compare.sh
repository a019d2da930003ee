#!/bin/sh
# herald bench tasks and the same no-op task through Celery, back to back against the same Redis, then one
# table of both. Needs a Release build of the CLI and Debian's python3-celery (apt-get install python3-celery).
#
#   bench/celery/compare.sh [redis-url] [seconds] [celery-rate]
#
# Celery's latency phase runs at celery-rate tasks/s (default 200): at herald's 1,000/s a two-process
# prefork worker falls behind and the figure would be queueing time, not latency.
set -eu
cd "$(dirname "$0")/../.."
redis_url=${1:-${HERALD_REDIS:-redis://127.0.0.1:6379}}
seconds=${2:-5}
rate=${3:-200}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
dotnet src/Herald.Cli/bin/Release/net10.0/Herald.Cli.dll --redis "$redis_url" bench tasks --duration "$seconds" --json > "$out/herald.json"
/usr/bin/python3 bench/celery/celery_bench.py --redis "$redis_url" --duration "$seconds" --rate "$rate" --json > "$out/celery.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$out/herald.json" "$out/celery.json" <<'EOF'
import json, sys
h, c = (json.load(open(path)) for path in sys.argv[1:3])
ht, ct = h["throughput"], c["throughput"]
# (figure, herald, celery, higher is better)
rows = [
    ("tasks/s, producer and worker together", ht["messagesPerSecond"], ct["tasksPerSecond"], True),
    ("tasks/s, worker alone draining a backlog", h["drain"]["messagesPerSecond"], c["drain"]["tasksPerSecond"], True),
    ("worker CPU per task (drain), us", h["drain"]["consumerCpuMicrosecondsPerMessage"], c["drain"]["workerCpuMicrosecondsPerTask"], False),
    ("producer CPU per task, us", ht["producerCpuMicrosecondsPerMessage"], ct["producerCpuMicrosecondsPerTask"], False),
    (f"latency p50, ms (herald at {h['latency']['ratePerSecond']:.0f}/s, celery at {c['latency']['ratePerSecond']}/s)", h["latency"]["p50Milliseconds"], c["latency"]["p50Milliseconds"], False),
    ("latency p99, ms", h["latency"]["p99Milliseconds"], c["latency"]["p99Milliseconds"], False),
]
print(f"| figure | herald (concurrency {h['consumer']['concurrency']}, prefetch {h['consumer']['prefetch']}) | celery {c['celery']} ({c['pool']} x {c['concurrency']}, prefetch multiplier {c['prefetchMultiplier']}) | herald better by |")
print("| --- | ---: | ---: | ---: |")
for name, ours, theirs, higher in rows:
    better = (ours / theirs if higher else theirs / ours) if ours and theirs else float("nan")
    digits = 0 if higher else 1 if name.endswith("us") else 3
    print(f"| {name} | {ours:,.{digits}f} | {theirs:,.{digits}f} | {better:.1f}x |")
EOF
