#!/usr/bin/env bash
# Ingestion benchmark: a Release `tend serve` on a fresh SQLite data directory
# and tend-loadgen on the same machine (loopback), as in bench/README.md.
#   bench/ingest_bench.sh BUILD_DIR [loadgen flags...]
# e.g. bench/ingest_bench.sh build/rmm-rel --agents 10000 --connections 64 --duration 60
# Raises the file-descriptor limit itself (for 50,000 connections), prints
# the loadgen's JSON line plus the server's CPU seconds over the run.
set -euo pipefail
build=${1:?usage: ingest_bench.sh BUILD_DIR [loadgen flags]}
shift
# 50,000 connections need more than the usual 1024 (root may raise the hard limit too).
ulimit -Hn 200000 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
data=$(mktemp -d /tmp/tend-bench-XXXXXX)
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
"$build/exe/tend" init --data "$data" --admin-email bench@tend.test --admin-password bench-password-1 >/dev/null
TEND_LOG_ACCESS_LOG=false TEND_SERVER_IDLE_TIMEOUT_SECONDS=600 "$build/exe/tend" serve --data "$data" \
  --listen 127.0.0.1:0 >"$data/serve.out" 2>"$data/serve.log" &
server=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$data/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^tend listening on //p' "$data/serve.out")
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(cpu)
start=$(date +%s.%N)
"$build/bench/tend-loadgen" --server "$url" --email bench@tend.test --password bench-password-1 --server-pid "$server" "$@" | tee "$data/result.json"
after=$(cpu)
stop=$(date +%s.%N)
python3 - "$before" "$after" "$hz" "$start" "$stop" "$data/result.json" <<'PY'
import json, sys
b, a, hz, s0, s1, path = sys.argv[1:]
r = json.loads(open(path).read().strip().splitlines()[-1])
cpu = (int(a) - int(b)) / int(hz)
print(json.dumps({"server_cpu_s_whole_run": cpu, "wall_s_whole_run": round(float(s1) - float(s0), 1),
                  "note": "server CPU includes enrollment; see bench/README.md"}))
PY
grep -c '"level":"error"' "$data/serve.log" | sed 's/^/server errors logged: /'
