// k6 load test of temppass-gateway: the same mix as load-tests/gatling (DecisionsSimulation.java)
// and load-tests/bench/gateway.lua, against the integrations of load-tests/bench/bench.yaml.
//
// k6 is not installable on the machine this was written on (it is neither a Debian package nor an
// npm package), so this script has been checked by reading it and by a JavaScript syntax check
// (`node --check`), never run. See load-tests/README.md.
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TOKEN=<RS256 JWT> -e SCENARIO=open -e RATE=500 \
//          -e DURATION=60s load-tests/k6/decisions.js
//
// Environment (-e NAME=value):
//   BASE_URL  gateway URL (default http://127.0.0.1:8080)      TOKEN  RS256 access token (required)
//   SCENARIO  open (default) | ramp | all (ramp starts when open ends)
//   RATE      open: requests (iterations) per second (default 100); PRE_VUS / MAX_VUS (100 / 1000)
//   VUS       ramp: peak virtual users (default 64); RAMP ramp-up time (default 10s)
//   DURATION  open: whole run; ramp: time held at VUS (default 30s)
//   DEVICES   distinct devices, identities and client IPs (default 200000)   SP  (default bench)
// `load-tests/bench/run.sh serve` starts Redis + gateway and prints BASE_URL and TOKEN.
//
// Mix, per device d (every device keeps one integration): d % 20 in 0-7 basic TempPass (40 %),
// 8-14 promotional (35 %), 15-17 degraded AuthNAll (15 %), 18-19 dummy (10 %); one request in ten a
// profiles read, the rest decisions for 1 (60 %), 2 (25 %) or 3 (15 %) of the device's own 5
// titles. Devices are visited round-robin by the scenario's global iteration number, each with its
// own X-Forwarded-For 10.x.y.z, so no client IP comes near the throttle's 1 request/s.

import http from 'k6/http';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const TOKEN = __ENV.TOKEN || '';
const SP = __ENV.SP || 'bench';
const SCENARIO = __ENV.SCENARIO || 'open';
const RATE = parseInt(__ENV.RATE || '100', 10);
const PRE_VUS = parseInt(__ENV.PRE_VUS || '100', 10);
const MAX_VUS = parseInt(__ENV.MAX_VUS || '1000', 10);
const VUS = parseInt(__ENV.VUS || '64', 10);
const RAMP = __ENV.RAMP || '10s';
const DURATION = __ENV.DURATION || '30s';
const DEVICES = parseInt(__ENV.DEVICES || '200000', 10);

const MVPDS = ['TempPassBasic', 'TempPassPromo', 'DegradedMvpd', 'DummyMvpd'];
const KINDS = ['basic', 'promo', 'degraded', 'dummy'];

const throttled = new Counter('throttled_429');
const denied = new Counter('denied_decisions');

const allScenarios = {
  // Open model: arrivals at RATE/s whatever the latency, so percentiles carry no coordinated omission.
  open: {
    executor: 'constant-arrival-rate',
    rate: RATE,
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: PRE_VUS,
    maxVUs: MAX_VUS,
    exec: 'mix',
  },
  // Closed model: VUS users, each sending its next request as soon as the last one is answered.
  ramp: {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: [
      { duration: RAMP, target: VUS },
      { duration: DURATION, target: VUS },
      { duration: '5s', target: 0 },
    ],
    gracefulRampDown: '5s',
    exec: 'mix',
  },
};

function selectedScenarios() {
  if (SCENARIO === 'open') return { open: allScenarios.open };
  if (SCENARIO === 'ramp') return { ramp: allScenarios.ramp };
  if (SCENARIO === 'all') {
    // the ramp starts once the open scenario (DURATION plus its 30 s graceful stop) is over
    const seconds = parseDurationSeconds(DURATION) + 30;
    return { open: allScenarios.open, ramp: Object.assign({}, allScenarios.ramp, { startTime: `${seconds}s` }) };
  }
  throw new Error(`SCENARIO must be open, ramp or all, got '${SCENARIO}'`);
}

function parseDurationSeconds(s) {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`cannot read duration '${s}' (use 30s, 2m, 1h)`);
  const n = parseInt(m[1], 10);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, undefined: n }[m[2]];
}

export const options = {
  scenarios: selectedScenarios(),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
  thresholds: {
    // reported, not enforced: figures belong in load-tests/RESULTS.md
    http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: false }],
  },
};

export function setup() {
  if (!TOKEN) throw new Error('set -e TOKEN=<RS256 access token> (load-tests/bench/run.sh serve prints one)');
}

function pad6(n) {
  return String(n).padStart(6, '0');
}

// Multiplicative hash of d, as in gateway.lua and DecisionsSimulation.java: the request shape does
// not depend on the integration. d < 1,000,000, so the product stays an exact double (< 2^53).
function mixOf(d) {
  return Math.floor((d * 2654435761) / 65536);
}

function countOf(slot) {
  return slot < 12 ? 1 : slot < 17 ? 2 : 3;
}

function kindOf(slot) {
  return slot < 8 ? 0 : slot < 15 ? 1 : slot < 18 ? 2 : 3;
}

export function mix() {
  // Global and unique across VUs (and k6 instances) within a scenario; the ramp scenario starts
  // half-way round the population so the two scenarios of SCENARIO=all use different devices first.
  const seq = exec.scenario.iterationInScenario + (exec.scenario.name === 'ramp' ? Math.floor(DEVICES / 2) : 0);
  const d = seq % DEVICES;
  const visit = Math.floor(seq / DEVICES);
  const kind = kindOf(d % 20);
  const m = mixOf(d);
  const headers = {
    Authorization: `Bearer ${TOKEN}`,
    Accept: 'application/json',
    'AP-Device-Identifier': `fingerprint ${encoding.b64encode(`dev${pad6(d)}`, 'std')}`,
    'X-Forwarded-For': `10.${Math.floor(d / 65536)}.${Math.floor(d / 256) % 256}.${d % 256}`,
  };
  if (kind === 1) {
    headers['AP-TempPass-Identity'] = encoding.b64encode(JSON.stringify({ email: `bu${pad6(d)}@bench.example` }), 'std');
  }

  let res;
  let name;
  let expected = 0;
  if ((Math.floor(m / 256) + visit) % 10 === 3) {
    name = `profile ${KINDS[kind]}`;
    res = http.get(`${BASE_URL}/api/v2/${SP}/profiles/${MVPDS[kind]}`, { headers, tags: { name } });
  } else {
    const count = countOf((m + visit) % 20);
    const base = d % 1000;
    const resources = [];
    for (let j = 0; j < count; j++) resources.push(`title-${(base + ((visit + j) % 5)) % 1000}`);
    headers['Content-Type'] = 'application/json';
    name = `decide ${KINDS[kind]} x${count}`;
    expected = count;
    res = http.post(`${BASE_URL}/api/v2/${SP}/decisions/authorize/${MVPDS[kind]}`, JSON.stringify({ resources }), {
      headers,
      tags: { name },
    });
  }

  if (res.status === 429) throttled.add(1);
  const permits = expected > 0 && res.status === 200 ? (res.body.match(/"authorized":true/g) || []).length : expected;
  if (permits < expected) denied.add(expected - permits);
  check(res, {
    'status 200': (r) => r.status === 200,
    'every decision permitted': () => permits === expected,
  });
}
