#!/usr/bin/env bash
# scripts/cluster-up 3 on what is built: three nodes ready, each serves an order another owns, and
# --down stops exactly them.   tests/cluster/cluster_up_test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
export ORDO_BUILD_DIR="$1"
ORDO_CLUSTER_DIR="$(mktemp -d)"
export ORDO_CLUSTER_DIR
trap 'scripts/cluster-up --down >/dev/null || true; rm -rf "$ORDO_CLUSTER_DIR"' EXIT

# One HTTP exchange with 127.0.0.1:PORT: METHOD PATH [BODY]; prints the whole answer.
http() {
  local port="$1" method="$2" path="$3" body="${4:-}"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  timeout 10 cat <&3
  exec 3<&-
}

out="$(scripts/cluster-up --no-build 3)"
grep -q 'n3  http://127.0.0.1:8083' <<<"$out" || { echo "unexpected output: $out"; exit 1; }
created="$(http 8081 POST /v1/orders '{"customer_id":"c1","order_id":"up-1"}')"
grep -q '^HTTP/1.1 201' <<<"$created" || { echo "create failed: $created"; exit 1; }
owner="$(grep -i '^X-Ordo-Node:' <<<"$created" | tr -d '\r' | cut -d' ' -f2)"
for port in 8081 8082 8083; do
  read_back="$(http "$port" GET /v1/orders/up-1)"
  grep -q '^HTTP/1.1 200' <<<"$read_back" || { echo "read on $port failed: $read_back"; exit 1; }
  grep -qi "^X-Ordo-Node: $owner" <<<"$read_back" || { echo "owner differs on $port"; exit 1; }
done
pids="$(cat "$ORDO_CLUSTER_DIR"/*/pid)"
scripts/cluster-up --down | grep -q 'stopped 3 node'
for pid in $pids; do
  # (an exiting process keeps its pid a moment, but no longer its command line)
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'ordo serve'; then
    echo "node $pid still runs"
    exit 1
  fi
done
echo "cluster-up: 3 nodes, order up-1 on $owner served by all, stopped"
