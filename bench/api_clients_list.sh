#!/usr/bin/env bash
# Benchmark: authenticated GET /api/v1/clients?limit=50 with 10,000 clients,
# measured with wrk on loopback; server and wrk share the machine's cores.
#
#   bench/api_clients_list.sh [clients=10000] [seconds=20] [connections=32]
#
# Builds the release preset, makes a fresh data directory, generates the
# clients, starts `tend serve`, logs in, runs wrk, prints its report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clients=${1:-10000}
seconds=${2:-20}
connections=${3:-32}
threads=${TEND_BENCH_THREADS:-2}

cmake --preset release >/dev/null
cmake --build --preset release --target tend tend-datagen >/dev/null
tend=$root/build/release/exe/tend
datagen=$root/build/release/bench/tend-datagen

data=$(mktemp -d /tmp/tend-bench-XXXXXX)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"' EXIT
"$tend" init --data "$data" --admin-email bench@tend.test --admin-password bench-password-1 >/dev/null
"$datagen" clients --data "$data" --count "$clients"
"$tend" serve --data "$data" --listen 127.0.0.1:0 --threads "$threads" >"$data/out" 2>"$data/log" &
server=$!
for _ in $(seq 1 100); do grep -q 'listening' "$data/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^tend listening on //p' "$data/out")
token=$(curl -s -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@tend.test","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf "$url/api/v1/clients?limit=50" -H "Authorization: Bearer $token" | python3 -c \
  'import json,sys; d=json.load(sys.stdin); assert len(d["items"])==50, d; print("sanity: 50 items, next_cursor", d["next_cursor"][:12]+"...")'
echo "server threads=$threads, wrk connections=$connections, ${seconds}s, $clients clients"
wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url/api/v1/clients?limit=50"
echo "server CPU seconds (user+sys): $(ps -o times= -p $server)"
