#!/usr/bin/env bash
# Tend: the two commands.
#   ./tend.sh demo   install what is missing, build (Release), start a demo server
#   ./tend.sh test   install what is missing, build (ASan+UBSan), run every test
# Safe to run again: only missing packages are installed, only changed files rebuilt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

# Debian 12 packages the build, the tests and the demo need.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev libboost-system-dev libssl-dev
  nlohmann-json3-dev libsimdjson-dev
  libsqlite3-dev sqlite3
  libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libhowardhinnant-date-dev tzdata
  libcurl4-openssl-dev
  libgtest-dev libgmock-dev googletest librapidcheck-dev libbenchmark-dev
  wrk curl python3 procps
  libmbedtls-dev openssl
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
)

# ccache: make paths relative to the checkout so any clone reuses the cache.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local cmd=(apt-get install -y -q --no-install-recommends "${missing[@]}")
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -q
    sudo DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  else
    echo "tend.sh: these Debian packages are missing: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get update && sudo ${cmd[*]}" >&2
    exit 1
  fi
}

build() {  # preset [targets...]
  local preset=$1
  shift
  say "building ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" "$@"
}

demo() {
  install_packages
  build release --target tend tend-agent
  local data="$here/demo-data"
  local tend="$here/build/release/exe/tend"
  local agent="$here/build/release/agent/tend-agent"
  local listen="${TEND_DEMO_LISTEN:-127.0.0.1:8080}"
  local admin_email="admin@demo.tend" password="tend-demo-2026"
  if [ ! -f "$data/tend.db" ]; then
    say "creating the demo data directory $data"
    "$tend" init --data "$data" --admin-email "$admin_email" --admin-password "$password" \
      --admin-name "Mark Vos" --provider-name "Vos IT Services" --currency EUR --time-zone Europe/Amsterdam
    "$tend" demo seed --data "$data"
    "$tend" demo devices --data "$data" --count 300
  fi
  say "starting the server"
  "$tend" serve --data "$data" --listen "$listen" >"$data/serve.out" 2>"$data/serve.log" &
  local server=$!
  local agent_pid=""
  trap 'kill -TERM $server $agent_pid 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
  for _ in $(seq 1 200); do
    grep -q 'tend listening on' "$data/serve.out" 2>/dev/null && break
    kill -0 $server 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  local url
  url=$(sed -n 's/^tend listening on //p' "$data/serve.out")

  # A real agent on this machine, enrolled once at the first site.
  if [ ! -f "$data/agent/agent.conf" ]; then
    say "enrolling the local agent"
    local enrollment
    enrollment=$("$tend" enrollment create --data "$data" --site 2 --uses 1 --json |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    "$agent" enroll --server "$url" --token "$enrollment" --state "$data/agent"
  fi
  "$agent" run --state "$data/agent" --start-delay 0 >"$data/agent.log" 2>&1 &
  agent_pid=$!
  cat <<MSG

  Tend demo is running: $url
    log in:    $admin_email / $password      (API: POST $url/api/v1/auth/login)
    also:      sanne@vos-it.nl (technician), joost@vos-it.nl (finance),
               lisa@vos-it.nl (read-only), anna@bakkerijjansen.nl (portal) — same password
    API docs:  $url/api/v1/openapi.json
    health:    $url/healthz      metrics: $url/metrics
    devices:   300 simulated + this machine's real agent (log: $data/agent.log)
    log:       $data/serve.log
  Press Ctrl-C to stop.

MSG
  wait $server
}

test_all() {
  install_packages
  build asan
  say "running the tests"
  # Integration tests start real servers; two at a time on two cores.
  ctest --preset asan --output-on-failure --timeout 900 -j2
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  *)
    echo "usage: ./tend.sh demo | ./tend.sh test" >&2
    exit 2
    ;;
esac
