#!/usr/bin/env bash
# A real three-master Redis Cluster on loopback, for the Redis Cluster store tests (.ci/run uses it; so can a developer):
#
#   .ci/redis-cluster.sh start   # starts it, waits for cluster_state:ok, prints the line to export
#   export FBTOKENS_TEST_REDIS_CLUSTER=127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103
#   dotnet test tests/FbTokens.Stores.Tests --filter "FullyQualifiedName~Cluster"
#   .ci/redis-cluster.sh stop    # stops it and deletes its directory
#
# Needs redis-server and redis-cli (Debian: apt-get install redis-server, which brings redis-tools). Ports 7101-7103 unless
# FBTOKENS_REDIS_CLUSTER_PORTS says otherwise ("7201 7202 7203"); data in FBTOKENS_REDIS_CLUSTER_DIR (default
# ${TMPDIR:-/tmp}/fbtokens-redis-cluster), nothing persisted.
set -euo pipefail

ports=(${FBTOKENS_REDIS_CLUSTER_PORTS:-7101 7102 7103})
dir=${FBTOKENS_REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/fbtokens-redis-cluster}

endpoints() {
  local list="" p
  for p in "${ports[@]}"; do list+="${list:+,}127.0.0.1:$p"; done
  echo "$list"
}

stop() {
  local p pid
  for p in "${ports[@]}"; do
    if [ -f "$dir/$p/redis.pid" ]; then
      pid=$(cat "$dir/$p/redis.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

start() {
  local p
  for tool in redis-server redis-cli; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing: apt-get install redis-server (redis-cli is in redis-tools)." >&2; exit 1; }
  done
  if [ -e "$dir" ]; then
    echo "$dir exists: a cluster may be running; run '$0 stop' first." >&2
    exit 1
  fi
  for p in "${ports[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1; then
      echo "Port $p already answers PING: something runs there. Choose others with FBTOKENS_REDIS_CLUSTER_PORTS." >&2
      exit 1
    fi
  done

  for p in "${ports[@]}"; do
    mkdir -p "$dir/$p"
    redis-server --port "$p" --bind 127.0.0.1 --protected-mode yes --cluster-enabled yes \
      --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 5000 --dir "$dir/$p" \
      --save "" --appendonly no --daemonize yes --pidfile "$dir/$p/redis.pid" --logfile "$dir/$p/redis.log"
  done
  for p in "${ports[@]}"; do
    wait_for "redis-cli -h 127.0.0.1 -p $p ping" PONG "node $p to answer PING" "$dir/$p/redis.log"
  done

  local nodes=() 
  for p in "${ports[@]}"; do nodes+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
    || { echo "redis-cli --cluster create failed:" >&2; cat "$dir/create.log" >&2; stop; exit 1; }
  for p in "${ports[@]}"; do
    wait_for "redis-cli -h 127.0.0.1 -p $p cluster info" "cluster_state:ok" "node $p to report cluster_state:ok" "$dir/$p/redis.log"
  done
  echo "export FBTOKENS_TEST_REDIS_CLUSTER=$(endpoints)"
}

# wait_for COMMAND EXPECTED WHAT LOG: runs COMMAND every 0.1 s until its output contains EXPECTED, for at most 30 s.
wait_for() {
  for _ in $(seq 1 300); do
    if $1 2>/dev/null | grep -q "$2"; then return 0; fi
    sleep 0.1
  done
  echo "Timed out waiting for $3. Its log:" >&2
  tail -n 30 "$4" >&2 || true
  stop
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  endpoints) endpoints ;;
  *) echo "usage: $0 start|stop|endpoints" >&2; exit 2 ;;
esac
