#!/usr/bin/env bash
# A private redis-server for local runs (./run.sh, trying things by hand): persistence off,
# loopback only, state under ./.redis/. Tests do not need it: their fixtures start their own.
#
#   scripts/redis.sh install   install redis-server and redis-tools when redis-server is missing
#   scripts/redis.sh start     start it (or find the one already running) and print its URL
#   scripts/redis.sh stop      stop the server this script started, by its pid file
#   scripts/redis.sh url       print the URL of the running server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/common.sh
source "$ROOT/scripts/common.sh"

STATE_DIR="$ROOT/.redis"
PID_FILE="$STATE_DIR/redis.pid"
PORT_FILE="$STATE_DIR/port"
LOG_FILE="$STATE_DIR/redis.log"

usage() {
  echo "usage: $0 install|start|stop|url" >&2
  exit 2
}

install_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools
  fi
}

# The pid in the pid file, if that process is alive and is a redis-server (pids get reused).
running_pid() {
  local pid
  [[ -f "$PID_FILE" && -f "$PORT_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server || return 1
  echo "$pid"
}

url() {
  running_pid >/dev/null || {
    echo "No Redis started by $0 is running; run '$0 start'." >&2
    return 1
  }
  echo "redis://127.0.0.1:$(<"$PORT_FILE")"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free port below the kernel's ephemeral range, so outgoing connections do not collide with it.
pick_port() {
  local port attempt
  for attempt in $(seq 1 100); do
    port=$((20000 + RANDOM % 10000))
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "No free port found after $attempt tries." >&2
  return 1
}

process_gone() {
  ! kill -0 "$1" 2>/dev/null
}

pings() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" == "PONG" ]]
}

start() {
  if url 2>/dev/null; then
    return 0
  fi
  install_redis
  mkdir -p "$STATE_DIR"
  rm -f "$PID_FILE" "$PORT_FILE"

  local port attempt
  for attempt in 1 2 3; do
    port="${HERALD_REDIS_PORT:-$(pick_port)}"
    redis-server --port "$port" --bind 127.0.0.1 --protected-mode no \
      --save "" --appendonly no --dir "$STATE_DIR" \
      --daemonize yes --pidfile "$PID_FILE" --logfile "$LOG_FILE" >&2
    if wait_until 10 pings "$port" && wait_until 5 test -s "$PID_FILE"; then
      echo "$port" >"$PORT_FILE"
      url
      return 0
    fi
    echo "redis-server did not start on port $port (attempt $attempt); log tail:" >&2
    tail -n 5 "$LOG_FILE" >&2 || true
  done
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "No Redis started by $0 is running." >&2
    rm -f "$PID_FILE" "$PORT_FILE"
    return 0
  fi
  kill -TERM "$pid"
  if ! wait_until 10 process_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  echo "Stopped Redis (pid $pid)." >&2
}

case "${1:-}" in
  install) install_redis ;;
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) usage ;;
esac
