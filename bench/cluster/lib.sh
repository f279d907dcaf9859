# Shared by bench/cluster/run and bench/cluster/scale (sourced): starting `ordo serve` processes
# on loopback and measuring add_item commands on them with wrk (bench/cluster/workload.lua).
# Expects $ordo (the binary) and $work (a temp dir the caller removes); fills url[ID], pid[ID].

declare -A url pid
pids=()

stop_nodes() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

# A TCP port on loopback that nothing listens on now.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))  # below the kernel's ephemeral range (32768-)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_node ID SYNC [ARGS...]: starts `ordo serve` on a free HTTP port with data in $work/ID.
start_node() {
  local id="$1" sync="$2"
  shift 2
  ORDO_JOURNAL_SYNC="$sync" "$ordo" serve --port 0 --data "$work/$id" "$@" \
    >"$work/$id.out" 2>"$work/$id.err" &
  pids+=($!)
  pid[$id]=$!
}

# wait_ready ID...: until each node printed its URL and answers /readyz with 200.
wait_ready() {
  local id
  for id in "$@"; do
    for _ in $(seq 300); do
      url[$id]="$(grep -o 'serving http://[^ ]*' "$work/$id.out" | head -1 | cut -d' ' -f2 || true)"
      [ -n "${url[$id]}" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "${url[$id]}/readyz")" = 200 ] && break
      sleep 0.1
    done
    [ -n "${url[$id]}" ] || { echo "bench/cluster: $id did not start: $(cat "$work/$id.err")" >&2; exit 1; }
  done
}

# wait_all_up ID COUNT: until node ID sees COUNT peers up.
wait_all_up() {
  until [ "$(curl -s "${url[$1]}/v1/inspect/cluster" | grep -o '"state":"up"' | wc -l)" -ge "$2" ]; do
    sleep 0.1
  done
}

# owned_orders VIA OWNER N: the ids bench-0..N-1 that OWNER owns, asked of node VIA.
owned_orders() {
  local i
  for ((i = 0; i < $3; ++i)); do
    echo "url = \"${url[$1]}/v1/inspect/cluster/owner?type=order&id=bench-$i\""
  done >"$work/owner-urls"
  curl -s --config "$work/owner-urls" | grep -o '"owner":"[^"]*"' | cut -d'"' -f4 |
    paste - <(seq 0 $(($3 - 1))) | awk -v o="$2" '$1 == o { print "bench-" $2 }'
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
cpu_ticks() { awk '{ s += $14 + $15 } END { print s }' "$@"; }

# measure SECONDS "URL CONNECTIONS IDS_FILE" ... -- PID...: one wrk per target, all at once; one
# RESULT line summed over them (rps and requests summed, p50 the largest, p99 the largest) plus
# cpu_us: the CPU the listed processes spent per command.
measure() {
  local seconds="$1" targets=() procs=() runs=() t before after i target conns ids
  shift
  while [ "$1" != "--" ]; do targets+=("$1"); shift; done
  shift
  for p in "$@"; do procs+=("/proc/$p/stat"); done
  before="$(cpu_ticks "${procs[@]}")"
  i=0
  for t in "${targets[@]}"; do
    read -r target conns ids <<<"$t"
    wrk -t "$(( conns < 2 ? 1 : 2 ))" -c "$conns" -d "${seconds}s" --timeout 10s \
      -s "${workload:-bench/cluster/workload.lua}" "$target" -- "$ids" >"$work/wrk.$i" &
    runs+=($!)
    i=$((i + 1))
  done
  wait "${runs[@]}"
  after="$(cpu_ticks "${procs[@]}")"
  cat "$work"/wrk.* | grep '^RESULT' | awk -v a="$after" -v b="$before" -v t="$(getconf CLK_TCK)" '
    { for (f = 2; f <= NF; ++f) { split($f, kv, "="); v[kv[1]] = kv[2] }
      n += v["requests"]; rps += v["rps"]; bad += v["bad_status"]; err += v["socket_errors"]
      if (v["p50_us"] > p50) p50 = v["p50_us"]; if (v["p99_us"] > p99) p99 = v["p99_us"] }
    END { printf "RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d bad_status=%d socket_errors=%d cpu_us=%.1f\n",
            n, rps, p50, p99, bad, err, (n > 0 ? (a - b) * 1e6 / t / n : 0) }'
  rm -f "$work"/wrk.*
}

# check RESULT_LINE: complains on stderr about bad statuses or socket errors.
check() {
  local bad
  bad="$(field bad_status "$1")/$(field socket_errors "$1")"
  [ "$bad" = "0/0" ] || echo "bench/cluster: $bad bad statuses/socket errors: $1" >&2
}

ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
