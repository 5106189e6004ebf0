#!/usr/bin/env bash
# One-command benchmark of temppass-gateway against its work floor (see load-tests/README.md).
#
#   load-tests/bench/run.sh                      gateway and work floor (load-tests/floor/WorkFloor.java)
#                                                with wrk, interleaved over ROUNDS rounds after a warm-up:
#                                                req/s, latency, server CPU per request, ratios; then latency
#                                                at a fixed arrival rate (half the gateway's saturation),
#                                                gateway and work floor interleaved; Redis memory, heap.
#                                                With SHARED set, also the independent floors of
#                                                $SHARED/bench/floor (its work floor and its bare floor)
#   load-tests/bench/run.sh scale                the gateway with SCALE_SMALL (10^4) and SCALE_LARGE (10^6)
#                                                trials in Redis, interleaved: req/s, p99, CPU, bytes per trial
#   load-tests/bench/run.sh gatling-open RATE    Redis + gateway, Gatling open model at RATE users/s
#   load-tests/bench/run.sh gatling-closed USERS Redis + gateway, Gatling closed model, USERS users
#   load-tests/bench/run.sh serve                Redis + gateway only; prints URL and token, waits
#   load-tests/bench/run.sh mvpd                 the MVPD share: Redis, the reference MVPD and the gateway;
#                                                MVPD_DEVICES devices sign in, then wrk drives cached MVPD
#                                                decisions (mvpd.lua) and, in the same run, the mix (gateway.lua)
#
# Environment (defaults in brackets):
#   DURATION [15s]  measured duration of each wrk run / of the Gatling injection
#   WARMUP [20s]    wrk warm-up of each server before measuring (0 = none); the JIT needs about 20 s of
#                   load before a server's throughput settles
#   ROUNDS [2]      measured rounds; each round runs every server once, in the same order
#   CONNECTIONS [64]  THREADS [1]   wrk -c / -t, identical for every server
#   RATE [auto]     fixed arrival rate (requests/s) of the latency runs; auto = RATE_FRACTION of the
#                   gateway's mean saturation throughput; 0 = no latency runs
#   RATE_FRACTION [0.5]  RATE_DURATION [30s]  RATE_CONNECTIONS [64]
#   LATENCY [wrk]   the fixed-rate runs' generator: wrk, paced.lua (cheap; wrk's latency leaves out the
#                   time a late slot waited); open, load-tests/open/OpenLoop.java (open loop on Vert.x:
#                   latency from each request's scheduled start, late slots counted, HdrHistogram), which
#                   needs CPU of its own: on 2 cores it cannot drive half the saturation rate beside the
#                   server (its late_1ms count says so); use it at lower rates or from another machine
#   DEVICES [200000]  distinct devices / identities / client IPs of the load
#   SCALE_SMALL [10000]  SCALE_LARGE [1000000]  trials in Redis for the scale mode
#   THROTTLE [auto] on: bench.yaml + throttle.yaml; off: bench.yaml + throttle-off.yaml (the
#                   gateway throttles by default); auto: as on, but a gateway that does not know
#                   the throttle: setting yet runs with bench.yaml alone (with a warning)
#   STATUS_HOOK [1] 0 = no per-response wrk hook (statuses/429s then not itemised)
#   SKIP_BUILD [0]  1 = reuse $ROOT/target/temppass-gateway.jar and the shared floor jar of an earlier run
#   GATEWAY_HEAP [256m]  GATEWAY_JAVA_OPTS []  extra JVM options of the gateway (GATEWAY_HEAP also sizes
#                   the floors)
#   SHARED []       optional: a directory holding bench/floor (an independent implementation of the work
#                   floor and a bare floor); when set, both run as extra targets, a cross-check of ours
#   KEEP [0]        1 = keep the temporary directory (keys, logs) after a successful run
#   MVPD_DEVICES [1000]  devices signed in for the mvpd mode
#   TRACING [off]   on: the gateway traces every request (OpenTelemetry, OTLP/HTTP) to otlp-sink.py, a local
#                   endpoint that accepts and drops every export; the floors never trace
#   TOKENS [external]  the access token of the load: external, an RS256 token of an outside issuer
#                   (accessTokens.publicKeys); gateway, a token the gateway issues itself: dcr.yaml declares
#                   an application, and the token comes from /o/client/register and /o/client/token
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
ROUNDS=${ROUNDS:-2}
RATE=${RATE:-auto}
RATE_FRACTION=${RATE_FRACTION:-0.5}
RATE_DURATION=${RATE_DURATION:-30s}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
LATENCY=${LATENCY:-wrk}
SCALE_SMALL=${SCALE_SMALL:-10000}
SCALE_LARGE=${SCALE_LARGE:-1000000}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
DEVICES=${DEVICES:-200000}
THROTTLE=${THROTTLE:-auto}
STATUS_HOOK=${STATUS_HOOK:-1}
TOKENS=${TOKENS:-external}
TRACING=${TRACING:-off}
BENCH_APP=6f1c1d2e-7a3b-4c5d-8e9f-0a1b2c3d4e5f   # the application of dcr.yaml
SKIP_BUILD=${SKIP_BUILD:-0}
GATEWAY_HEAP=${GATEWAY_HEAP:-256m}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-}
KEEP=${KEEP:-0}
SP=bench
export STATUS_HOOK DEVICES SP

MVPD_DEVICES=${MVPD_DEVICES:-1000}
export MVPD_DEVICES
MODE=${1:-bench}
case "$MODE" in
  bench | serve | mvpd | scale) ;;
  gatling-open) RATE=${2:?usage: run.sh gatling-open RATE (users/s = requests/s)} ;;
  gatling-closed) USERS=${2:?usage: run.sh gatling-closed USERS} ;;
  *) echo "usage: $0 [bench | scale | gatling-open RATE | gatling-closed USERS | serve | mvpd]" >&2; exit 2 ;;
esac

log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
ensure_tools() {
  local need=() cmd pkg
  for cmd in "$@"; do
    case "$cmd" in
      redis-server) pkg=redis-server ;; redis-cli) pkg=redis-tools ;; *) pkg=$cmd ;;
    esac
    command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
  done
  command -v java >/dev/null 2>&1 || die "java (JDK 17+) is required"
  command -v jcmd >/dev/null 2>&1 || log "jcmd not found (a JRE?): heap figures will be skipped"
  command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is required"
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then command -v sudo >/dev/null 2>&1 && sudo=sudo || die "missing ${need[*]} and not root"; fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]} and no apt-get: install them by hand"
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}" >/dev/null \
    || { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}" >/dev/null; }
}

# ---------------------------------------------------------------- processes and cleanup
PIDS=()
WORK=""
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  # serve runs until interrupted: that is its normal end
  if [ "$MODE" = serve ] && { [ "$rc" = 130 ] || [ "$rc" = 143 ]; }; then rc=0; fi
  # Newest first (gateway/floor before the Redis they use), each given 20 s to stop cleanly.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "$rc" -ne 0 ] || [ "$KEEP" = 1 ]; then log "logs and keys kept in $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
stop_pid() {
  local pid=$1 deadline=$((SECONDS + 20))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "process $pid did not stop within 20 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Below the kernel's ephemeral range (32768+ by default): a port that only a client connection holds
# (thousands do after a Gatling run) passes the connect probe yet cannot be bound.
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# wait_for NAME PID LOG TIMEOUT_S COMMAND...: until COMMAND succeeds, the process dies, or the deadline.
wait_for() {
  local name=$1 pid=$2 logf=$3 timeout=$4; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$name exited during start-up; last lines of $logf:"; tail -n 20 "$logf" >&2; return 1; fi
    [ $SECONDS -lt $deadline ] || { log "$name not ready after ${timeout}s; last lines of $logf:"; tail -n 20 "$logf" >&2; return 1; }
    sleep 0.25
  done
}

# ---------------------------------------------------------------- keys and token
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

make_keys() {
  local k=$WORK/keys
  mkdir -p "$k" && chmod 700 "$k"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/access.key" 2>/dev/null
  openssl pkey -in "$k/access.key" -pubout -out "$k/access.pub"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/media.key" 2>/dev/null   # PKCS#8 PEM
  openssl pkey -in "$k/media.key" -pubout -out "$k/media.pub"                                        # SPKI PEM
  openssl rand -hex 24 | tr -d '\n' >"$k/hash-secret"                                                 # 48 characters
  TOKEN=$(mint api:client:v2)
  export TOKEN
  if [ "$TOKENS" = gateway ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/dcr.key" 2>/dev/null
    openssl pkey -in "$k/dcr.key" -pubout -out "$k/dcr.pub"
    ADMIN_TOKEN=$(mint temppass:admin)
  fi
}

# An RS256 access token of the outside issuer, with these scopes, valid for a day.
mint() {
  local now header payload input sig
  now=$(date +%s)
  header=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"temppass-bench","iss":"auth.adobe.com","scopes":"%s","iat":%d,"nbf":%d,"exp":%d}' \
    "$1" "$now" "$now" $((now + 86400)) | b64url)
  input="$header.$payload"
  sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$WORK/keys/access.key" -binary | b64url)
  printf '%s' "$input.$sig"
}

# TOKENS=gateway: the declared application's statement (admin API), a client of it, and its token,
# as an app registers (README "Client registration").
gateway_token() {
  local base=http://127.0.0.1:$GATEWAY_PORT statement client
  command -v jq >/dev/null 2>&1 || die "TOKENS=gateway needs jq (apt-get install jq)"
  statement=$(curl -sf --max-time 10 -X POST "$base/admin/v1/applications/$BENCH_APP/software-statement" \
    -H "Authorization: Bearer $ADMIN_TOKEN" | jq -r .software_statement) || die "no software statement"
  client=$(curl -sf --max-time 10 -X POST "$base/o/client/register" -H 'Content-Type: application/json' \
    -d "{\"software_statement\":\"$statement\"}") || die "registration refused"
  TOKEN=$(curl -sf --max-time 10 -X POST "$base/o/client/token" \
    --data-urlencode "client_id=$(jq -r .client_id <<<"$client")" \
    --data-urlencode "client_secret=$(jq -r .client_secret <<<"$client")" \
    --data-urlencode grant_type=client_credentials | jq -r .access_token) || die "no access token"
  export TOKEN
  log "tokens: the gateway's own (application $BENCH_APP, client $(jq -r .client_id <<<"$client"))"
}

# ---------------------------------------------------------------- redis, gateway, floor
# Maven, quiet, without the colour resets its console library prints even in batch mode
# (pipefail keeps mvn's exit status).
mvnq() { mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }
start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --daemonize no --logfile "$WORK/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  wait_for redis "$REDIS_PID" "$WORK/redis.log" 15 rcli ping || die "redis did not start"
  log "redis $(redis-server --version | awk '{print $3}') on port $REDIS_PORT (pid $REDIS_PID, no persistence)"
}
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

build() {
  if [ "$SKIP_BUILD" = 1 ] && [ -f "$ROOT/target/temppass-gateway.jar" ]; then
    log "SKIP_BUILD=1: using $ROOT/target/temppass-gateway.jar"
  else
    log "building the gateway (mvn -B -q -Dstyle.color=never -f $ROOT/pom.xml -DskipTests package)"
    mvnq -f "$ROOT/pom.xml" -DskipTests package
  fi
  GATEWAY_JAR=$ROOT/target/temppass-gateway.jar
  [ -f "$GATEWAY_JAR" ] || die "no $GATEWAY_JAR after the build"
}

build_floor() {
  [ -f "$SHARED/bench/floor/pom.xml" ] || die "floor not found at $SHARED/bench/floor (set SHARED=…/shared)"
  # Built in a copy: shared/ may be read-only, and a copy never leaves a target/ behind in it.
  local cache=$HERE/.floor-build
  if [ "$SKIP_BUILD" = 1 ] && [ -f "$cache/target/floor.jar" ]; then
    log "SKIP_BUILD=1: using $cache/target/floor.jar"
  else
    log "building the floor (mvn -B -q -Dstyle.color=never package in a copy of $SHARED/bench/floor)"
    rm -rf "$cache" && mkdir -p "$cache" && cp -r "$SHARED/bench/floor/pom.xml" "$SHARED/bench/floor/src" "$cache/"
    chmod -R u+w "$cache"
    mvnq -f "$cache/pom.xml" package
  fi
  FLOOR_JAR=$cache/target/floor.jar
  [ -f "$FLOOR_JAR" ] || die "no $FLOOR_JAR after the build"
}

ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health/ready")" = 200 ]; }

start_gateway() {
  # THROTTLE=on|auto: bench.yaml + throttle.yaml; off: bench.yaml + throttle-off.yaml (the gateway
  # throttles by default). A gateway that predates the throttle: setting (start-up fails with
  # "throttle…: unknown setting") gets bench.yaml alone: with auto or off, and a warning.
  local overlay
  case "$THROTTLE" in
    on | auto) overlay=$HERE/throttle.yaml ;;
    off) overlay=$HERE/throttle-off.yaml ;;
    none) overlay="" ;;
    *) die "THROTTLE must be on, off or auto, got '$THROTTLE'" ;;
  esac
  local configs=(--config "$HERE/bench.yaml")
  [ -z "$overlay" ] || configs+=(--config "$overlay")
  GATEWAY_PORT=$(free_port)
  local k=$WORK/keys
  local extra=()
  local dcr=()
  if [ "$TRACING" = on ]; then
    local sink_port; sink_port=$(free_port)
    python3 "$HERE/otlp-sink.py" "$sink_port" >"$WORK/otlp-sink.log" 2>&1 &
    PIDS+=($!)
    extra+=(TEMPPASS_TRACING__OTLP_ENDPOINT="http://127.0.0.1:$sink_port")
    log "tracing on: OTLP/HTTP to the sink on port $sink_port"
  fi
  if [ "$TOKENS" = gateway ]; then
    configs+=(--config "$HERE/dcr.yaml")
    dcr=(TEMPPASS_DCR__STATEMENT_KEYS__0__PRIVATE_KEY="file:$k/dcr.key"
      TEMPPASS_DCR__STATEMENT_KEYS__0__PUBLIC_KEY="file:$k/dcr.pub")
  fi
  # scale: SCALE_SMALL devices are only 10^4 client IPs, which at this stack's rate see more than the
  # production 1 request/s each; a higher rate keeps the throttle's script on every request, without 429s.
  [ "$MODE" = scale ] && extra+=(TEMPPASS_THROTTLE__RATE_PER_SECOND=1000)
  if [ "$MODE" = mvpd ]; then
    configs+=(--config "$HERE/mvpd.yaml")
    openssl rand -base64 32 | tr -d '\n' >"$k/profile-key"
    extra+=(TEMPPASS_SESSIONS__PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT"
      TEMPPASS_SESSIONS__ENCRYPTION_KEY="file:$k/profile-key"
      TEMPPASS_INTEGRATIONS__4__LOGIN__ISSUER="http://127.0.0.1:$MVPD_PORT/mvpd"
      TEMPPASS_INTEGRATIONS__4__AUTHORIZATION__URL="http://127.0.0.1:$MVPD_PORT/mvpd/authorize-resource")
  fi
  # shellcheck disable=SC2086
  env "${extra[@]}" "${dcr[@]}" TEMPPASS_SERVER__PORT="$GATEWAY_PORT" \
    TEMPPASS_REDIS__ENDPOINTS="[\"redis://127.0.0.1:$REDIS_PORT\"]" \
    TEMPPASS_ACCESS_TOKENS__PUBLIC_KEYS="[\"file:$k/access.pub\"]" \
    TEMPPASS_MEDIA_TOKENS__KEYS__0__PRIVATE_KEY="file:$k/media.key" \
    TEMPPASS_MEDIA_TOKENS__KEYS__0__PUBLIC_KEY="file:$k/media.pub" \
    TEMPPASS_IDENTITY__HASH_SECRET="file:$k/hash-secret" \
    java -Xmx"$GATEWAY_HEAP" "$GC_LOG" $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" "${configs[@]}" >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!; PIDS+=("$GATEWAY_PID")
  if ! wait_for gateway "$GATEWAY_PID" "$WORK/gateway.log" 90 ready; then
    if [ "$THROTTLE" != on ] && [ -n "$overlay" ] && grep -q 'throttle.*unknown setting' "$WORK/gateway.log"; then
      log "WARNING: this gateway does not know the throttle: setting; running it with bench.yaml alone (no throttling)"
      THROTTLE=none
      start_gateway
      return
    fi
    die "gateway did not start"
  fi
  [ "$THROTTLE" = auto ] && THROTTLE=on
  log "gateway on port $GATEWAY_PORT (pid $GATEWAY_PID, -Xmx$GATEWAY_HEAP, throttle $THROTTLE); $(grep -m1 -o 'crypto provider: [^"]*' "$WORK/gateway.log" || true)"
}

floor_ok() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H 'Content-Type: application/json' \
    -H 'AP-Device-Identifier: fingerprint probe' -d '{"resources":["REF30"]}' \
    "http://127.0.0.1:$FLOOR_PORT/api/v2/REF30/decisions/authorize/x" | grep -q '^200$'
}

start_floor() {
  FLOOR_PORT=$(free_port)
  java -Xmx"$GATEWAY_HEAP" "$GC_LOG" -Dredis="redis://127.0.0.1:$REDIS_PORT" -Dport="$FLOOR_PORT" \
    -Dlua="$SHARED/bench/floor/promo.lua" -jar "$FLOOR_JAR" >"$WORK/floor.log" 2>&1 &
  FLOOR_PID=$!; PIDS+=("$FLOOR_PID")
  wait_for floor "$FLOOR_PID" "$WORK/floor.log" 60 floor_ok || die "floor did not start"
  log "floor on port $FLOOR_PORT (pid $FLOOR_PID)"
}

# A work floor answers the same request mix as the gateway (gateway.lua unchanged) doing only the
# necessary work (throttle script, TempPass scripts, one ES256 signature per permit, JSON) on bare
# Vert.x. work_floor_ok PORT: a decision answered 200.
work_floor_ok() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H 'Content-Type: application/json' \
    -H 'AP-Device-Identifier: fingerprint cHJvYmU=' -H 'X-Forwarded-For: 10.255.0.2' -d '{"resources":["REF30"]}' \
    "http://127.0.0.1:$1/api/v2/$SP/decisions/authorize/DummyMvpd" | grep -q '^200$'
}

# The project's own work floor, load-tests/floor/WorkFloor.java: run from source on the gateway jar's
# class path, with the gateway's own Lua scripts, so it needs no build of its own.
start_work_floor() {
  WORK_FLOOR_PORT=$(free_port)
  local throttle=on
  case "$THROTTLE" in off | none) throttle=off ;; esac
  java -Xmx"$GATEWAY_HEAP" "$GC_LOG" -Dredis="redis://127.0.0.1:$REDIS_PORT" -Dport="$WORK_FLOOR_PORT" -Dthrottle="$throttle" \
    -cp "$GATEWAY_JAR" "$ROOT/load-tests/floor/WorkFloor.java" >"$WORK/work-floor.log" 2>&1 &
  WORK_FLOOR_PID=$!; PIDS+=("$WORK_FLOOR_PID")
  wait_for work-floor "$WORK_FLOOR_PID" "$WORK/work-floor.log" 90 work_floor_ok "$WORK_FLOOR_PORT" || die "work floor did not start"
  log "work floor on port $WORK_FLOOR_PORT (pid $WORK_FLOOR_PID, throttle $throttle); $(grep -m1 -o 'signing with .*' "$WORK/work-floor.log" || true)"
}

# The independent cross-check (SHARED set): $SHARED/bench/floor's WorkFloorServer, written apart from
# this repository with its own simplified scripts.
start_shared_work_floor() {
  SHARED_WORK_FLOOR_PORT=$(free_port)
  java -Xmx"$GATEWAY_HEAP" "$GC_LOG" -Dredis="redis://127.0.0.1:$REDIS_PORT" -Dport="$SHARED_WORK_FLOOR_PORT" \
    -Dlua="$SHARED/bench/floor" -cp "$FLOOR_JAR" floor.WorkFloorServer >"$WORK/shared-work-floor.log" 2>&1 &
  SHARED_WORK_FLOOR_PID=$!; PIDS+=("$SHARED_WORK_FLOOR_PID")
  wait_for shared-work-floor "$SHARED_WORK_FLOOR_PID" "$WORK/shared-work-floor.log" 60 work_floor_ok "$SHARED_WORK_FLOOR_PORT" \
    || die "shared work floor did not start"
  log "shared work floor on port $SHARED_WORK_FLOOR_PORT (pid $SHARED_WORK_FLOOR_PID); $(grep -m1 -o 'signing with .*' "$WORK/shared-work-floor.log" || true)"
}

# The reference MVPD of development mode, on its own (mvpd mode).
start_reference_mvpd() {
  MVPD_PORT=$(free_port)
  java -Xmx128m -cp "$GATEWAY_JAR" io.temppass.gateway.dev.ReferenceMvpd --port "$MVPD_PORT" >"$WORK/mvpd.log" 2>&1 &
  MVPD_PID=$!; PIDS+=("$MVPD_PID")
  wait_for mvpd "$MVPD_PID" "$WORK/mvpd.log" 60 curl -sf "http://127.0.0.1:$MVPD_PORT/mvpd/.well-known/openid-configuration" \
    || die "reference MVPD did not start"
  log "reference MVPD on port $MVPD_PORT (pid $MVPD_PID)"
}

# Signs devices mvpd000000.. in, as an app and a browser would: a session, then its url followed.
sign_in_devices() {
  local d dev code out ok=0
  for ((d = 0; d < MVPD_DEVICES; d++)); do
    dev=$(printf 'mvpd%06d' "$d")
    out=$(curl -s --max-time 5 -X POST "http://127.0.0.1:$GATEWAY_PORT/api/v2/$SP/sessions" -H "Authorization: Bearer $TOKEN" \
      -H "AP-Device-Identifier: fingerprint $(b64 "$dev")" -H "X-Forwarded-For: 10.254.$((d / 256 % 256)).$((d % 256))" \
      --data-urlencode mvpd=BenchMvpd --data-urlencode domainName=127.0.0.1 \
      --data-urlencode "redirectUrl=http://127.0.0.1:$MVPD_PORT/app/signed-in")
    code=$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' <<<"$out")
    [ -n "$code" ] || die "session for $dev: $out"
    curl -s --max-time 5 -L -o /dev/null -H "X-Forwarded-For: 10.253.$((d / 256 % 256)).$((d % 256))" \
      "http://127.0.0.1:$GATEWAY_PORT/api/v2/authenticate/$SP/$code" && ok=$((ok + 1))
  done
  log "signed in $ok of $MVPD_DEVICES devices through the reference MVPD"
  # Proof that the sign-ins made profiles: the first and the last device get MVPD permits.
  for dev in mvpd000000 "$(printf 'mvpd%06d' $((MVPD_DEVICES - 1)))"; do
    out=$(curl -s --max-time 5 -X POST "http://127.0.0.1:$GATEWAY_PORT/api/v2/$SP/decisions/authorize/BenchMvpd" \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "AP-Device-Identifier: fingerprint $(b64 "$dev")" \
      -H 'X-Forwarded-For: 10.252.0.1' -d '{"resources":["title-0"]}')
    grep -q '"source":"mvpd","authorized":true' <<<"$out" || die "probe $dev: no MVPD permit: $out"
  done
  log "probe: signed-in devices get source mvpd permits with tokens"
}

# utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# ---------------------------------------------------------------- requests
b64() { printf '%s' "$1" | openssl base64 -A; }

# gw_post MVPD DEVICE_ID RESOURCES_JSON [IDENTITY_EMAIL] -> prints "HTTP_CODE BODY"
gw_post() {
  local args=(-s --max-time 5 -w '\n%{http_code}' -X POST
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json'
    -H "AP-Device-Identifier: fingerprint $(b64 "$2")" -H 'X-Forwarded-For: 10.255.0.1'
    -d "{\"resources\":$3}")
  [ $# -ge 4 ] && args+=(-H "AP-TempPass-Identity: $(b64 "{\"email\":\"$4\"}")")
  curl "${args[@]}" "http://127.0.0.1:$GATEWAY_PORT/api/v2/$SP/decisions/authorize/$1"
}

# One request per integration of the mix, on a still empty Redis: proves token, keys and config,
# and leaves exactly one basic trial and one promotional trial (5 resources) for the memory probe.
probe_and_memory() {
  local out code mvpd permits
  for mvpd in TempPassBasic DegradedMvpd DummyMvpd; do
    out=$(gw_post "$mvpd" probe-device-basic '["title-a","title-b"]')
    code=${out##*$'\n'}
    permits=$(grep -o '"authorized":true' <<<"$out" | wc -l)
    [ "$code" = 200 ] && [ "$permits" = 2 ] || die "probe $mvpd: HTTP $code, $permits permits: ${out%$'\n'*}"
  done
  out=$(gw_post TempPassPromo probe-device-promo '["p1","p2","p3","p4","p5"]' probe@bench.example)
  code=${out##*$'\n'}
  permits=$(grep -o '"authorized":true' <<<"$out" | wc -l)
  [ "$code" = 200 ] && [ "$permits" = 5 ] || die "probe TempPassPromo: HTTP $code, $permits permits: ${out%$'\n'*}"
  log "probe: basic, promotional (5 resources), degraded, dummy all permitted with tokens"

  local kb kd ki mb md mi gib=1073741824
  kb=$(rcli --scan --pattern 'bench:b:*' | head -n1)
  kd=$(rcli --scan --pattern 'bench:p:*:d:*' | head -n1)
  ki=$(rcli --scan --pattern 'bench:p:*:i:*' | head -n1)
  [ -n "$kb" ] && [ -n "$kd" ] && [ -n "$ki" ] || die "memory probe: trial keys not found (basic '$kb', binding '$kd', trial '$ki')"
  mb=$(rcli memory usage "$kb" samples 0); md=$(rcli memory usage "$kd" samples 0); mi=$(rcli memory usage "$ki" samples 0)
  echo "REDIS_MEMORY basic_key=$kb bytes=$mb"
  echo "REDIS_MEMORY promo_trial_key=$ki fields=$(rcli hlen "$ki") bytes=$mi"
  echo "REDIS_MEMORY promo_binding_key=$kd bytes=$md"
  echo "REDIS_MEMORY basic_trials_per_GiB=$((gib / mb)) promo_trials_per_GiB=$((gib / (mi + md))) (promotional = trial + device binding; MEMORY USAGE excludes the expires-dict entry, ~+30 B/key)"
}

# ---------------------------------------------------------------- preloaded trials (scale mode)
# filler ACTION TEMPLATE_KEY FROM TO: copies (ACTION=load) or deletes (ACTION=del) trials FROM..TO-1 made from
# the probe's trial TEMPLATE_KEY (DUMP/RESTORE, same value and expiry), named like it with the last 24
# characters of the hash tag (the hash of a device or identity) replaced by F<index>. In batches of
# 20,000 so that no script holds Redis for long. Standalone Redis only (the keys are not declared).
FILLER_LUA='
local n = 0
local key, from, to, load = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == "load"
local dump = load and redis.call("DUMP", key)
local ttl = load and math.max(redis.call("PTTL", key), 0)
local stem = string.sub(key, 1, #key - 25)
for i = from, to - 1 do
  local name = stem .. string.format("F%023d", i) .. "}"
  if load then redis.call("RESTORE", name, ttl, dump, "REPLACE") else redis.call("DEL", name) end
  n = n + 1
end
return n'
filler() {
  local action=$1 key=$2 from=$3 to=$4 i
  for ((i = from; i < to; i += 20000)); do
    rcli eval "$FILLER_LUA" 0 "$key" "$i" "$((i + 20000 < to ? i + 20000 : to))" "$action" >/dev/null
  done
}
used_memory() { rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }

# ---------------------------------------------------------------- load
# wrk_run NAME SCRIPT URL DURATION [quiet]: prints wrk's report (unless quiet) and its RESULT line.
# WRK_CONNECTIONS overrides CONNECTIONS (the fixed-rate runs use their own).
wrk_run() {
  local name=$1 script=$2 url=$3 dur=$4 quiet=${5:-} out
  out=$(BENCH_NAME=$name wrk -t"$THREADS" -c"${WRK_CONNECTIONS:-$CONNECTIONS}" -d"$dur" --timeout 5s -s "$script" "$url" 2>&1) \
    || { echo "$out" >&2; die "wrk failed on $name"; }
  grep -q '^RESULT ' <<<"$out" || { echo "$out" >&2; die "wrk printed no RESULT line for $name"; }
  if [ -n "$quiet" ]; then grep '^RESULT ' <<<"$out"; else echo "$out"; fi
}
field() { grep '^RESULT ' | head -n1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# Heap allocated per request: every server JVM writes its GC log ($GC_LOG: one file per pid). What a
# run allocated is what the young collections during it freed (their before->after drops, from the
# log lines the run added) plus the growth of the heap in use (jcmd GC.heap_info before and after).
# MiB granularity per collection; G1 (the JVM's default) log lines; 0 without jcmd.
gc_log_of() { echo "$WORK/gc-$1.log"; }
heap_used_kib() {
  command -v jcmd >/dev/null 2>&1 || { echo 0; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n1
}
gc_lines() { wc -l <"$(gc_log_of "$1")" 2>/dev/null || echo 0; }
# young_drops_kib PID FROM: KiB freed by the young collections logged after line FROM.
young_drops_kib() {
  tail -n +"$(($2 + 1))" "$(gc_log_of "$1")" 2>/dev/null \
    | sed -n 's/.*Pause Young.* \([0-9]*\)M->\([0-9]*\)M(.*/\1 \2/p' \
    | awk '{ s += ($1 - $2) * 1024 } END { printf "%d", s }'
}

# measure NAME SCRIPT URL PID DURATION: one quiet wrk run; its RESULT line with the server's CPU time
# per request appended (utime + stime of PID over the run, from /proc: the figure least disturbed by
# other load on the machine), and the heap it allocated per request (see GC_LOG).
measure() {
  local name=$1 script=$2 url=$3 pid=$4 dur=$5 before after out used0 used1 lines0
  used0=$(heap_used_kib "$pid"); lines0=$(gc_lines "$pid")
  before=$(cpu_ticks "$pid")
  out=$(wrk_run "$name" "$script" "$url" "$dur" quiet)
  after=$(cpu_ticks "$pid")
  used1=$(heap_used_kib "$pid")
  echo "$out $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$(field requests <<<"$out")" \
    -v freed="$(young_drops_kib "$pid" "$lines0")" -v u0="${used0:-0}" -v u1="${used1:-0}" \
    'BEGIN { printf "cpu_us_per_request=%.0f alloc_bytes_per_request=%.0f", (n > 0 ? t * 1e6 / hz / n : 0), (n > 0 ? (freed + u1 - u0) * 1024 / n : 0) }')"
}

# measure_open NAME URL PID: one fixed-rate run of the open-loop generator (RATE requests/s for
# RATE_DURATION after 5 s unrecorded on the same timetable), with the server's CPU and heap per
# request as measure() gives them.
measure_open() {
  local name=$1 url=$2 pid=$3 before after out used0 used1 lines0
  used0=$(heap_used_kib "$pid"); lines0=$(gc_lines "$pid")
  before=$(cpu_ticks "$pid")
  out=$(BENCH_NAME=$name java -cp "$GATEWAY_JAR" "$ROOT/load-tests/open/OpenLoop.java" "$url" "$RATE" \
    "${RATE_DURATION%s}" "$RATE_CONNECTIONS" 5 2>&1) || { echo "$out" >&2; die "OpenLoop failed on $name"; }
  after=$(cpu_ticks "$pid")
  used1=$(heap_used_kib "$pid")
  out=$(grep '^RESULT ' <<<"$out") || die "OpenLoop printed no RESULT line for $name"
  echo "$out $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$(field requests <<<"$out")" \
    -v freed="$(young_drops_kib "$pid" "$lines0")" -v u0="${used0:-0}" -v u1="${used1:-0}" \
    'BEGIN { printf "cpu_us_per_request=%.0f alloc_bytes_per_request=%.0f", (n > 0 ? t * 1e6 / hz / n : 0), (n > 0 ? (freed + u1 - u0) * 1024 / n : 0) }')"
}

# mean_field FIELD TARGET LINES: mean of FIELD over the RESULT lines of TARGET.
mean_field() {
  grep "^RESULT target=$2 " <<<"$3" | tr ' ' '\n' | sed -n "s/^$1=//p" \
    | awk '{ s += $1; n++ } END { if (n) printf "%.3f", s / n; else printf "0" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

# check_clean LINES: a WARNING for every run with non-2xx answers or socket errors.
check_clean() {
  local line
  while read -r line; do
    [ -n "$line" ] || continue
    [ "$(field non2xx <<<"$line")" = 0 ] && [ "$(field socket_errors <<<"$line")" = 0 ] \
      || echo "WARNING $(field target <<<"$line"): non-2xx or socket errors (see statuses=); its figures are not comparable"
  done <<<"$1"
}

jvm_memory() {
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || { log "$name is not running"; return 0; }
  echo "JVM_MEMORY $name pid=$pid rss_kib=$(ps -o rss= -p "$pid" | tr -d ' ')"
  if command -v jcmd >/dev/null 2>&1; then
    jcmd "$pid" GC.heap_info 2>&1 | sed "s/^/JVM_MEMORY $name | /" || true
  fi
}

gatling() {
  local profile=$1 amount=$2
  local gdir=$ROOT/load-tests/gatling
  log "gatling $profile ($amount) for $DURATION against http://127.0.0.1:$GATEWAY_PORT"
  local props=(-Dprofile="$profile" -DbaseUrl="http://127.0.0.1:$GATEWAY_PORT" -Dtoken="$TOKEN"
    -Dduration="$DURATION" -Ddevices="$DEVICES" -Dsp="$SP")
  if [ "$profile" = open ]; then props+=(-Drate="$amount"); else props+=(-Dusers="$amount"); fi
  local status=0
  mvnq -f "$gdir/pom.xml" gatling:test "${props[@]}" | tee "$WORK/gatling.log" || status=$?
  local report
  report=$(ls -td "$gdir"/target/gatling/*/ 2>/dev/null | head -n1 || true)
  [ -n "$report" ] && log "Gatling report: ${report}index.html"
  return "$status"
}

# ---------------------------------------------------------------- main
case "$MODE" in
  bench) ensure_tools redis-server redis-cli wrk openssl curl ;;
  gatling-*) ensure_tools redis-server redis-cli openssl curl ;;
  serve) ensure_tools redis-server redis-cli openssl curl ;;
  mvpd | scale) ensure_tools redis-server redis-cli wrk openssl curl ;;
esac
WORK=$(mktemp -d /tmp/temppass-bench.XXXXXX)
GC_LOG="-Xlog:gc:file=$WORK/gc-%p.log"
log "mode $MODE; root $ROOT; work dir $WORK"
build
[ "$MODE" = bench ] && [ -n "$SHARED" ] && build_floor
make_keys
start_redis
[ "$MODE" = mvpd ] && start_reference_mvpd
start_gateway
[ "$TOKENS" = gateway ] && gateway_token
[ "$MODE" = mvpd ] || probe_and_memory
GW_URL=http://127.0.0.1:$GATEWAY_PORT

case "$MODE" in
  serve)
    echo "BASE_URL=$GW_URL"
    echo "TOKEN=$TOKEN"
    log "serving until Ctrl-C (logs: $WORK/gateway.log)"
    while kill -0 "$GATEWAY_PID" 2>/dev/null; do sleep 1; done
    die "gateway exited"
    ;;
  gatling-open | gatling-closed)
    if [ "$WARMUP" != 0 ] && command -v wrk >/dev/null 2>&1; then
      log "warm-up: wrk $WARMUP on the gateway"
      wrk_run gateway-warmup "$HERE/gateway.lua" "$GW_URL" "$WARMUP" quiet >/dev/null
    fi
    if [ "$MODE" = gatling-open ]; then gatling open "$RATE"; else gatling closed "$USERS"; fi
    jvm_memory "$GATEWAY_PID" gateway
    ;;
  mvpd)
    sign_in_devices
    TICK=$(getconf CLK_TCK)
    # measure_share NAME SCRIPT: warm-up, then a measured wrk run with the gateway's CPU time per request.
    measure_share() {
      [ "$WARMUP" != 0 ] && wrk_run "$1-warmup" "$2" "$GW_URL" "$WARMUP" quiet >/dev/null
      local before after out
      before=$(cpu_ticks "$GATEWAY_PID")
      out=$(wrk_run "$1" "$2" "$GW_URL" "$DURATION" quiet)
      after=$(cpu_ticks "$GATEWAY_PID")
      echo "$out $(awk -v t=$((after - before)) -v hz="$TICK" -v n="$(field requests <<<"$out")" \
        'BEGIN { printf "gateway_cpu_us_per_request=%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
    }
    log "measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP each), MVPD decisions then the mix"
    M=$(measure_share mvpd "$HERE/mvpd.lua")
    X=$(measure_share mix "$HERE/gateway.lua")
    echo
    echo "================ summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, throttle $THROTTLE, $MVPD_DEVICES devices signed in)"
    echo "$M"
    echo "$X"
    echo "REDIS_AFTER keys=$(rcli dbsize) used_memory=$(rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')"
    ;;
  scale)
    # The benchmark's own trials (SCALE_SMALL devices: 40 % basic, 35 % promotional) and, for the large
    # runs, filler trials up to SCALE_LARGE copied from the probe's, in the mix's proportions.
    export DEVICES=$SCALE_SMALL
    KB=$(rcli --scan --pattern 'bench:b:*' | head -n1)
    KI=$(rcli --scan --pattern 'bench:p:*:i:*' | head -n1)
    KD=$(rcli --scan --pattern 'bench:p:*:d:*' | head -n1)
    FILL=$((SCALE_LARGE - SCALE_SMALL))
    FB=$((FILL * 40 / 75)); FP=$((FILL - FB))
    if [ "$WARMUP" != 0 ]; then
      log "warm-up: $WARMUP (wrk -t$THREADS -c$CONNECTIONS), $DEVICES devices"
      wrk_run gateway-warmup "$HERE/gateway.lua" "$GW_URL" "$WARMUP" quiet >&2
    fi
    ALL=""
    for ((round = 1; round <= ROUNDS; round++)); do
      line="$(measure "trials_$SCALE_SMALL" "$HERE/gateway.lua" "$GW_URL" "$GATEWAY_PID" "$DURATION") round=$round keys=$(rcli dbsize) used_memory=$(used_memory)"
      echo "$line"; ALL+="$line"$'\n'
      log "loading $FB basic and $FP promotional filler trials (trial + device binding)"
      m0=$(used_memory)
      filler load "$KB" 0 "$FB"
      m1=$(used_memory)
      filler load "$KI" 0 "$FP"; filler load "$KD" 0 "$FP"
      m2=$(used_memory)
      echo "SCALE_MEMORY round=$round basic_bytes_per_trial=$(( (m1 - m0) / FB )) promo_bytes_per_trial=$(( (m2 - m1) / FP )) (used_memory delta / trials, expiry entries and allocator overhead included)"
      line="$(measure "trials_$SCALE_LARGE" "$HERE/gateway.lua" "$GW_URL" "$GATEWAY_PID" "$DURATION") round=$round keys=$(rcli dbsize) used_memory=$(used_memory)"
      echo "$line"; ALL+="$line"$'\n'
      filler del "$KB" 0 "$FB"; filler del "$KI" 0 "$FP"; filler del "$KD" 0 "$FP"
    done
    echo
    echo "================ summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds, $DEVICES devices, throttle $THROTTLE)"
    grep '^RESULT ' <<<"$ALL"
    check_clean "$ALL"
    s_rps=$(mean_field rps "trials_$SCALE_SMALL" "$ALL"); l_rps=$(mean_field rps "trials_$SCALE_LARGE" "$ALL")
    s_p99=$(mean_field p99_ms "trials_$SCALE_SMALL" "$ALL"); l_p99=$(mean_field p99_ms "trials_$SCALE_LARGE" "$ALL")
    s_cpu=$(mean_field cpu_us_per_request "trials_$SCALE_SMALL" "$ALL"); l_cpu=$(mean_field cpu_us_per_request "trials_$SCALE_LARGE" "$ALL")
    echo "RATIO large/small rps=$(ratio "$l_rps" "$s_rps") p99=$(ratio "$l_p99" "$s_p99") cpu=$(ratio "$l_cpu" "$s_cpu") (small: $s_rps req/s, p99 $s_p99 ms, $s_cpu us; large: $l_rps req/s, p99 $l_p99 ms, $l_cpu us)"
    ;;
  bench)
    start_work_floor
    WF_URL=http://127.0.0.1:$WORK_FLOOR_PORT
    # name, wrk script, URL, pid: the gateway and the work floors answer the same script.
    TARGETS=("gateway $HERE/gateway.lua $GW_URL $GATEWAY_PID"
      "work_floor $HERE/gateway.lua $WF_URL $WORK_FLOOR_PID")
    NAMES="gateway work_floor"
    if [ -n "$SHARED" ]; then
      start_shared_work_floor
      start_floor
      export FLOOR_POST_LUA=$SHARED/bench/floor/post.lua
      FLOOR_URL=http://127.0.0.1:$FLOOR_PORT/api/v2/REF30/decisions/authorize/x
      TARGETS+=("shared_work_floor $HERE/gateway.lua http://127.0.0.1:$SHARED_WORK_FLOOR_PORT $SHARED_WORK_FLOOR_PID"
        "floor $HERE/floor.lua $FLOOR_URL $FLOOR_PID")
      NAMES+=" shared_work_floor floor"
    fi
    if [ "$WARMUP" != 0 ]; then
      log "warm-up: $WARMUP each (wrk -t$THREADS -c$CONNECTIONS): $NAMES"
      for t in "${TARGETS[@]}"; do
        read -r name script url pid <<<"$t"
        wrk_run "$name-warmup" "$script" "$url" "$WARMUP" quiet >&2
      done
    fi
    ALL=""
    for ((round = 1; round <= ROUNDS; round++)); do
      # Every other round in the reverse order (ABC, CBA): no server always runs first or last.
      order=("${TARGETS[@]}")
      if ((round % 2 == 0)); then
        order=()
        for ((i = ${#TARGETS[@]} - 1; i >= 0; i--)); do order+=("${TARGETS[$i]}"); done
      fi
      log "round $round of $ROUNDS: wrk -t$THREADS -c$CONNECTIONS -d$DURATION each, $(for t in "${order[@]}"; do printf '%s ' "${t%% *}"; done)($DEVICES devices, throttle $THROTTLE)"
      for t in "${order[@]}"; do
        read -r name script url pid <<<"$t"
        line="$(measure "$name" "$script" "$url" "$pid" "$DURATION") round=$round"
        echo "$line"
        ALL+="$line"$'\n'
      done
    done

    LAT=""
    if [ "$RATE" != 0 ]; then
      grps=$(mean_field rps gateway "$ALL")
      [ "$RATE" = auto ] && RATE=$(awk -v r="$grps" -v f="$RATE_FRACTION" 'BEGIN { printf "%d", r * f }')
      if [ "$LATENCY" = open ]; then
        log "fixed arrival rate: $RATE requests/s ($RATE_FRACTION x the gateway's $grps), open loop (load-tests/open/OpenLoop.java) on $RATE_CONNECTIONS connections for $RATE_DURATION, latency from each scheduled start; gateway and work floor interleaved, the order reversed every other round"
      else
        log "fixed arrival rate: $RATE requests/s ($RATE_FRACTION x the gateway's $grps), wrk -t$THREADS -c$RATE_CONNECTIONS -d$RATE_DURATION, paced.lua; gateway and work floor interleaved, the order reversed every other round"
      fi
      export PACED_SCRIPT=$HERE/gateway.lua PACED_RATE=$RATE PACED_THREADS=$THREADS
      for ((round = 1; round <= ROUNDS; round++)); do
        order=("${TARGETS[@]:0:2}")
        ((round % 2 == 0)) && order=("${TARGETS[1]}" "${TARGETS[0]}")
        for t in "${order[@]}"; do
          read -r name script url pid <<<"$t"
          if [ "$LATENCY" = open ]; then
            line="$(measure_open "$name" "$url" "$pid") round=$round rate=$RATE"
          else
            line="$(WRK_CONNECTIONS=$RATE_CONNECTIONS measure "$name" "$HERE/paced.lua" "$url" "$pid" "$RATE_DURATION") round=$round rate=$RATE"
          fi
          echo "${line/RESULT /FIXED_RATE }"
          LAT+="$line"$'\n'
        done
      done
    fi

    echo
    echo "================ summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds after $WARMUP warm-up each, throttle $THROTTLE)"
    grep '^RESULT ' <<<"$ALL"
    check_clean "$ALL"
    printf '%-17s %10s %9s %9s %14s %16s\n' server req/s p50_ms p99_ms cpu_us/request alloc_B/request
    for name in $NAMES; do
      printf '%-17s %10s %9s %9s %14s %16s\n' "$name" "$(mean_field rps "$name" "$ALL")" "$(mean_field p50_ms "$name" "$ALL")" \
        "$(mean_field p99_ms "$name" "$ALL")" "$(mean_field cpu_us_per_request "$name" "$ALL")" \
        "$(mean_field alloc_bytes_per_request "$name" "$ALL")"
    done
    # ratios LINES: the gateway against every other target of LINES, requests/s and CPU per request.
    ratios() {
      local g gc name out=""
      g=$(mean_field rps gateway "$1"); gc=$(mean_field cpu_us_per_request gateway "$1")
      for name in ${NAMES#gateway }; do
        out+=" gateway_rps/${name}_rps=$(ratio "$g" "$(mean_field rps "$name" "$1")")"
        out+=" gateway_cpu/${name}_cpu=$(ratio "$gc" "$(mean_field cpu_us_per_request "$name" "$1")")"
        out+=" gateway_alloc/${name}_alloc=$(ratio "$(mean_field alloc_bytes_per_request gateway "$1")" "$(mean_field alloc_bytes_per_request "$name" "$1")")"
      done
      echo "${out# }"
    }
    for ((round = 1; round <= ROUNDS; round++)); do
      echo "RATIO round=$round $(ratios "$(grep " round=$round\$" <<<"$ALL")")"
    done
    echo "RATIO mean $(ratios "$ALL") (goals: rps >= 0.9 x work floor, cpu <= 1.25 x, alloc <= 1.25 x)"
    if [ -n "$LAT" ]; then
      grep '^RESULT ' <<<"$LAT" | sed 's/^RESULT /FIXED_RATE /'
      check_clean "$LAT"
      for name in gateway work_floor; do
        echo "FIXED_RATE_MEAN target=$name rate=$RATE achieved_rps=$(mean_field rps "$name" "$LAT") p50_ms=$(mean_field p50_ms "$name" "$LAT") p99_ms=$(mean_field p99_ms "$name" "$LAT") p999_ms=$(mean_field p999_ms "$name" "$LAT") late_1ms=$(mean_field late_1ms "$name" "$LAT") late_5ms=$(mean_field late_5ms "$name" "$LAT") cpu_us_per_request=$(mean_field cpu_us_per_request "$name" "$LAT") alloc_bytes_per_request=$(mean_field alloc_bytes_per_request "$name" "$LAT")"
      done
      echo "RATIO fixed_rate=$RATE gateway_p99/work_floor_p99=$(ratio "$(mean_field p99_ms gateway "$LAT")" "$(mean_field p99_ms work_floor "$LAT")") gateway_p50/work_floor_p50=$(ratio "$(mean_field p50_ms gateway "$LAT")" "$(mean_field p50_ms work_floor "$LAT")") gateway_p999/work_floor_p999=$(ratio "$(mean_field p999_ms gateway "$LAT")" "$(mean_field p999_ms work_floor "$LAT")") gateway_cpu/work_floor_cpu=$(ratio "$(mean_field cpu_us_per_request gateway "$LAT")" "$(mean_field cpu_us_per_request work_floor "$LAT")") (same rate; goal: p99 <= 1.25 x work floor)"
    fi
    echo "REDIS_AFTER keys=$(rcli dbsize) used_memory=$(rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')"
    jvm_memory "$GATEWAY_PID" gateway
    echo "JVM_MEMORY work_floor pid=$WORK_FLOOR_PID rss_kib=$(ps -o rss= -p "$WORK_FLOOR_PID" | tr -d ' ')"
    if [ -n "$SHARED" ]; then
      echo "JVM_MEMORY shared_work_floor pid=$SHARED_WORK_FLOOR_PID rss_kib=$(ps -o rss= -p "$SHARED_WORK_FLOOR_PID" | tr -d ' ')"
      echo "JVM_MEMORY floor pid=$FLOOR_PID rss_kib=$(ps -o rss= -p "$FLOOR_PID" | tr -d ' ')"
    fi
    ;;
esac
