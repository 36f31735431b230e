#!/usr/bin/env bash
# Resident memory and CPU of an idle process over a window, measured the way
# ANCHORS.md measured zabbix_agentd and node_exporter: RSS and PSS summed
# over the process, CPU as utime+stime over wall time.
#   bench/agent_footprint.sh PID [SECONDS=600]
# Prints one JSON line: rss_kib (max and last), pss_kib, cpu_pct_of_one_core.
set -euo pipefail
pid=$1
window=${2:-600}
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
pss() { awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup"; }
start_ticks=$(ticks)
start=$(date +%s.%N)
max_rss=0
end=$(( $(date +%s) + window ))
while [ "$(date +%s)" -lt "$end" ]; do
  r=$(rss)
  [ "$r" -gt "$max_rss" ] && max_rss=$r
  sleep 5
done
stop_ticks=$(ticks)
stop=$(date +%s.%N)
python3 - "$start_ticks" "$stop_ticks" "$start" "$stop" "$hz" "$max_rss" "$(rss)" "$(pss)" <<'PY'
import json, sys
t0, t1, s0, s1, hz, max_rss, rss, pss = sys.argv[1:]
cpu = (int(t1) - int(t0)) / int(hz)
wall = float(s1) - float(s0)
print(json.dumps({"window_s": round(wall), "cpu_s": cpu, "cpu_pct_of_one_core": round(100 * cpu / wall, 4),
                  "rss_kib_max": int(max_rss), "rss_kib": int(rss), "pss_kib": int(pss)}))
PY
