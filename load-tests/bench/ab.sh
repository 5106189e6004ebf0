#!/usr/bin/env bash
# A/B of gateway builds: load-tests/bench/ab.sh A.jar B.jar [C.jar ...]
#
# Every jar runs as a gateway on one Redis (own key prefix each, bench.yaml + throttle.yaml, the same
# keys); each is warmed up with wrk, then the jars are measured in turn, round after round, with
# gateway.lua (wrk -t1 -c64). One line per jar and round: req/s, non-2xx, server CPU per request (utime
# + stime of the process from /proc over the requests of the run) and the load average. Interleaving
# rounds is what makes a difference of a few µs per request visible on a machine whose background load
# moves; compare CPU per request of the same round, never single runs.
#
# Environment: ROUNDS [3]  DUR [10s] measured run  WARM [20s] warm-up of each jar
#              JOPTS [] extra JVM options of every gateway (e.g. a JFR recording)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DUR=${DUR:-10s}; WARM=${WARM:-20s}; ROUNDS=${ROUNDS:-3}
[ $# -ge 1 ] || { echo "usage: $0 A.jar [B.jar ...]" >&2; exit 2; }
for tool in redis-server wrk openssl curl; do
  command -v "$tool" >/dev/null || { echo "ab.sh: $tool is needed (apt-get install redis-server wrk)" >&2; exit 2; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/temppass-ab.XXXXXX"); k=$W/keys; mkdir -p "$k"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/access.key" 2>/dev/null
openssl pkey -in "$k/access.key" -pubout -out "$k/access.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/media.key" 2>/dev/null
openssl pkey -in "$k/media.key" -pubout -out "$k/media.pub"
openssl rand -hex 24 | tr -d '\n' >"$k/hash-secret"
now=$(date +%s)
h=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
p=$(printf '{"sub":"temppass-bench","iss":"auth.adobe.com","scopes":"api:client:v2","iat":%d,"nbf":%d,"exp":%d}' \
  "$now" "$now" $((now + 86400)) | b64url)
s=$(printf '%s' "$h.$p" | openssl dgst -sha256 -sign "$k/access.key" -binary | b64url)
export TOKEN="$h.$p.$s" DEVICES=200000 SP=bench
RP=$((21000 + RANDOM % 5000))
redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile "$W/redis.log" >/dev/null 2>&1 &
PIDS=($!)
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$W"' EXIT
sleep 1
names=(); ports=(); gpids=(); i=0
for jar in "$@"; do
  port=$((26000 + RANDOM % 5000))
  env TEMPPASS_SERVER__PORT=$port TEMPPASS_REDIS__ENDPOINTS="[\"redis://127.0.0.1:$RP\"]" \
    TEMPPASS_ACCESS_TOKENS__PUBLIC_KEYS="[\"file:$k/access.pub\"]" \
    TEMPPASS_MEDIA_TOKENS__KEYS__0__PRIVATE_KEY="file:$k/media.key" \
    TEMPPASS_MEDIA_TOKENS__KEYS__0__PUBLIC_KEY="file:$k/media.pub" \
    TEMPPASS_IDENTITY__HASH_SECRET="file:$k/hash-secret" TEMPPASS_REDIS__KEY_PREFIX=bench$i \
    java -Xmx256m ${JOPTS:-} -jar "$jar" --config "$HERE/bench.yaml" --config "$HERE/throttle.yaml" >"$W/gw$i.log" 2>&1 &
  PIDS+=($!); gpids+=($!); ports+=($port); names+=("$(basename "$jar" .jar)")
  i=$((i + 1))
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ] && break
    sleep 0.5
  done
done
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
for i in "${!ports[@]}"; do
  BENCH_NAME=warmup wrk -t1 -c64 -d"$WARM" --timeout 5s -s "$HERE/gateway.lua" "http://127.0.0.1:${ports[i]}" >/dev/null 2>&1
done
for r in $(seq 1 "$ROUNDS"); do
  for i in "${!ports[@]}"; do
    before=$(cpu "${gpids[i]}")
    out=$(BENCH_NAME=${names[i]} wrk -t1 -c64 -d"$DUR" --timeout 5s -s "$HERE/gateway.lua" \
      "http://127.0.0.1:${ports[i]}" 2>&1 | grep '^RESULT')
    after=$(cpu "${gpids[i]}")
    n=$(field "$out" requests)
    echo "round=$r ${names[i]} rps=$(field "$out" rps) non2xx=$(field "$out" non2xx)" \
      "cpu_us=$(awk -v t=$((after - before)) -v n="$n" -v hz="$ticks" 'BEGIN{printf "%.1f", t*1e6/hz/n}')" \
      "load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
