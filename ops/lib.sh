# Shared shell helpers for the ops/ scripts. Sourced, not run.
# shellcheck shell=bash
set -euo pipefail

BFU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BFU_STATE="${BFU_STATE_DIR:-$BFU_ROOT/.bfu}"       # data, logs, pids, env file
BFU_PRESET="${BFU_PRESET:-release}"
BFU_BUILD_DIR="${BFU_BUILD_DIR:-$BFU_ROOT/build/$BFU_PRESET}"
KAFKA_HOME="$BFU_STATE/kafka"
BFU_KAFKA_PORT="${BFU_KAFKA_PORT:-19092}"
BFU_KAFKA_CONTROLLER_PORT="${BFU_KAFKA_CONTROLLER_PORT:-19093}"
BFU_REDIS_PORT="${BFU_REDIS_PORT:-16379}"
BFU_STACK_ENV="${BFU_STACK_ENV:-$BFU_STATE/stack.env}"

log() { printf '[bfu %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[bfu] error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# wait_port HOST PORT SECONDS: true when something listens there before the deadline.
wait_port() {
  local host=$1 port=$2 secs=$3 i=0
  while [ "$i" -lt $((secs * 10)) ]; do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# pid_alive FILE: the pid in FILE is running.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# kafka_java CLASS ARGS...: run a Kafka class with the jars ops/setup resolved.
# kafka_java_exec: the same, replacing the current (sub)shell, so "$!" is the JVM's pid.
kafka_java() { (kafka_java_exec "$@"); }
kafka_java_exec() {
  local heap=${KAFKA_HEAP:-"-Xms256m -Xmx768m"}
  # shellcheck disable=SC2086
  exec java $heap -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BFU_ROOT/ops/kafka/log4j2.xml" \
    -Dbfu.kafka.logdir="${KAFKA_LOG_DIR:-$KAFKA_HOME/logs}" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}
