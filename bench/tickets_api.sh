#!/usr/bin/env bash
# Benchmark: the ticket list through the API with 1,000,000 tickets in SQLite.
#
#   bench/tickets_api.sh [tickets=1000000] [seconds=20] [connections=1]
#
# Builds `tend` and `tend-ticket-datagen` in build/desk-rel (Release, no tests),
# generates the tickets into a data directory (kept in $TEND_BENCH_DATA when
# set, so the slow generation runs once), starts `tend serve`, and runs wrk:
#   1. the first page of a filtered, sorted list: unresolved-but-not-waiting
#      tickets (category=new,open), P1-P2, one queue, by resolution due;
#   2. the same with every unresolved category (new,open,waiting_*);
#   3. full-text search, rotating 16 words (bench/tickets_search.lua).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tickets=${1:-1000000}
seconds=${2:-20}
connections=${3:-1}
threads=${TEND_BENCH_THREADS:-2}
build=${TEND_BUILD_DIR:-$root/build/desk-rel}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEND_BUILD_TESTS=OFF \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C "$build" -j1 tend tend-ticket-datagen >/dev/null
tend=$build/exe/tend
datagen=$build/bench/tend-ticket-datagen

data=${TEND_BENCH_DATA:-}
keep=1
if [ -z "$data" ]; then data=$(mktemp -d /tmp/tend-tickets-XXXXXX); keep=0; fi
cleanup() {
  kill "${server:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$keep" = 0 ]; then rm -rf "$data"; fi
}
trap cleanup EXIT
if [ ! -f "$data/tend.db" ]; then
  mkdir -p "$data"
  "$tend" init --data "$data" --admin-email bench@tend.test --admin-password bench-password-1 >/dev/null
  /usr/bin/time -f "generation: %e s, %M KiB max RSS" "$datagen" --data "$data" --tickets "$tickets"
fi
echo "database: $(du -h "$data/tend.db" | cut -f1)"
TEND_LOG_ACCESS_LOG=false "$tend" serve --data "$data" --listen 127.0.0.1:0 --threads "$threads" >"$data/out" 2>"$data/log" &
server=$!
for _ in $(seq 1 200); do grep -q 'listening' "$data/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^tend listening on //p' "$data/out")
token=$(curl -s -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@tend.test","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
queue=$(curl -sf "$url/api/v1/queues" -H "Authorization: Bearer $token" | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["items"][3]["id"])')

list_open="$url/api/v1/tickets?category=new,open&priority=P1,P2&queue_id=$queue&sort=resolution_due_at&limit=50"
list_unresolved="$url/api/v1/tickets?category=new,open,waiting_on_client,waiting_on_vendor&priority=P1,P2&queue_id=$queue&sort=resolution_due_at&limit=50"
for target in "$list_open" "$url/api/v1/tickets?limit=50&q=printer"; do
  curl -sf "$target" -H "Authorization: Bearer $token" | python3 -c \
    'import json,sys; d=json.load(sys.stdin); print("sanity:", len(d["items"]), "items, first", d["items"][0]["number"] if d["items"] else None)'
done
echo "server threads=$threads, wrk connections=$connections, ${seconds}s, $tickets tickets, queue $queue"
echo "== 1. open (new,open), P1-P2, one queue, by resolution due"
wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$list_open"
echo "== 2. every unresolved category, P1-P2, one queue, by resolution due"
wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$list_unresolved"
echo "== 3. full-text search, 16 words rotating, newest first"
TEND_TOKEN=$token wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$root/bench/tickets_search.lua" "$url"
echo "server CPU seconds (user+sys): $(ps -o times= -p $server)"
