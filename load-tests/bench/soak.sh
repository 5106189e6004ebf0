#!/usr/bin/env bash
# Five-minute heap soak: run.sh serve (production-like gateway, -Xmx256m), wrk -c64 for 300 s with the
# benchmark mix, the gateway's heap sampled with jstat every 15 s, then a full GC to show what stays.
# Output: /tmp/soak.log (samples) and /tmp/soak-wrk.log (wrk). Usage: SKIP_BUILD=1 load-tests/bench/soak.sh
set -u
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$PWD/../shared} load-tests/bench/run.sh serve > /tmp/soak-serve.log 2>&1 &
SERVE=$!
for i in $(seq 1 60); do grep -q '^TOKEN=' /tmp/soak-serve.log && break; sleep 1; done
BASE=$(grep BASE_URL /tmp/soak-serve.log | cut -d= -f2); export TOKEN=$(grep '^TOKEN=' /tmp/soak-serve.log | cut -d= -f2)
PID=$(pgrep -f "temppass-gateway.jar" | head -1)
echo "pid $PID base $BASE" > /tmp/soak.log
(cd load-tests/bench && BENCH_NAME=soak wrk -t1 -c64 -d300s --timeout 5s -s gateway.lua "$BASE/api/v2/bench/decisions/authorize/x" > /tmp/soak-wrk.log 2>&1) &
WRK=$!
for i in $(seq 0 20); do
  echo "t=$((i*15))s $(jstat -gc $PID | tail -1 | awk '{printf "heap_used_kib=%.0f heap_capacity_kib=%.0f old_used_kib=%.0f young_gcs=%s full_gcs=%s", $3+$4+$6+$8, $5+$7+$9, $8, $13, $15}') rss_kib=$(ps -o rss= -p $PID)" >> /tmp/soak.log
  sleep 15
done
wait $WRK
sleep 5
jcmd $PID GC.run > /dev/null
sleep 2
echo "after load + GC.run: $(jstat -gc $PID | tail -1 | awk '{printf "heap_used_kib=%.0f old_used_kib=%.0f", $3+$4+$6+$8, $8}') rss_kib=$(ps -o rss= -p $PID)" >> /tmp/soak.log
kill $SERVE; sleep 3; pkill -f "run.sh serve"; pkill -f temppass-gateway.jar
echo done >> /tmp/soak.log
