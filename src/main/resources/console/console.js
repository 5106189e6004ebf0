// The operator console: plain JavaScript, no library. Every call goes to this page's own origin (the
// management port): the admin API with the operator's token, and /metrics for the live rates. The
// token lives in this tab's sessionStorage only. Each action's outcome is written into #status, with
// data-state "ok" or "error"; the changes themselves are audited by the gateway, which logs each
// admin call with the token's client id.
"use strict";

const TOKEN_KEY = "temppass-console-token";
const SAMPLE_EVERY_MS = 5000;
const RING = 61; // five minutes of samples, and the one before them
const RULES = ["AuthNAll", "AuthZAll", "AuthZNone"];

let integrations = [];
const samples = [];
let sampling = null;

const $ = id => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("data-")) node.dataset[camel(name.slice(5))] = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function camel(name) {
  return name.replace(/-([a-z])/g, (m, c) => c.toUpperCase());
}

function status(state, text) {
  const out = $("status");
  out.dataset.state = state;
  out.textContent = text;
}

class CallError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// One admin call: the token as Bearer, the Enhanced Error's code and details as the message.
async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const code = json && (json.code || json.error);
    const details = json && (json.details || json.error_description);
    const message = response.status + " " + (code || "") + (details ? ": " + details : "");
    if (response.status === 401) signOut("Signed out: " + message);
    throw new CallError(response.status, message);
  }
  return json;
}

// Runs an action, showing "working" and then its outcome in #status.
async function act(label, action) {
  status("pending", label + "…");
  try {
    const done = await action();
    status("ok", done || label + ": done");
  } catch (e) {
    status("error", label + ": " + e.message);
  }
}

// ---- sign-in -----------------------------------------------------------------------------------

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    const session = await api("GET", "/console/api/session");
    $("who").textContent = "Signed in as admin client " + session.clientId;
    $("who").dataset.client = session.clientId;
    $("sign-in-screen").hidden = true;
    $("sign-out").hidden = false;
    $("tabs").hidden = false;
    $("tab-applications").hidden = !session.applications;
    $("sign-in-error").textContent = "";
    integrations = (await api("GET", "/console/api/integrations")).integrations;
    startSampling();
    show(session.applications ? "applications" : "integrations");
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("sign-in-error").textContent =
      e.status === 403 ? "This token lacks the admin scope: " + e.message : "Sign-in failed: " + e.message;
  }
}

function signOut(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (sampling) clearInterval(sampling);
  sampling = null;
  samples.length = 0;
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = true;
  $("tabs").hidden = true;
  $("sign-out").hidden = true;
  $("confirm").hidden = true;
  $("who").textContent = "";
  $("token").value = "";
  $("sign-in-screen").hidden = false;
  $("sign-in-error").textContent = reason || "";
}

// ---- screens -----------------------------------------------------------------------------------

const LOADERS = {
  applications: loadApplications,
  integrations: loadIntegrations,
  reset: loadReset,
  rates: renderRates,
};

function show(name) {
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = true;
  $(name + "-screen").hidden = false;
  for (const tab of document.querySelectorAll("#tabs button"))
    tab.setAttribute("aria-current", tab.dataset.screen === name ? "page" : "false");
  $("confirm").hidden = true;
  const loaded = LOADERS[name]();
  if (loaded && loaded.catch) loaded.catch(e => status("error", name + ": " + e.message));
}

// An in-page confirmation: resolves true on Confirm, false on Cancel.
function confirmStep(text) {
  return new Promise(resolve => {
    $("confirm-text").textContent = text;
    $("confirm").hidden = false;
    const answer = value => () => {
      $("confirm").hidden = true;
      $("confirm-yes").onclick = null;
      $("confirm-no").onclick = null;
      resolve(value);
    };
    $("confirm-yes").onclick = answer(true);
    $("confirm-no").onclick = answer(false);
    $("confirm-yes").focus();
  });
}

// ---- applications ------------------------------------------------------------------------------

async function loadApplications() {
  const body = $("applications").tBodies[0];
  let list;
  try {
    list = (await api("GET", "/admin/v1/applications")).applications;
  } catch (e) {
    if (e.status === 404) { $("applications-off").hidden = false; body.replaceChildren(); return; }
    throw e;
  }
  list.sort((a, b) => b.createdAt - a.createdAt);
  body.replaceChildren(...list.map(application => {
    const download = el("button", { type: "button", class: "download", text: "Download statement" });
    download.disabled = application.revoked;
    download.onclick = () => act("Statement of " + application.name, () => downloadStatement(application));
    const revoke = el("button", { type: "button", class: "revoke danger", text: "Revoke…" });
    revoke.disabled = application.revoked;
    revoke.onclick = () => revokeApplication(application);
    return el("tr", { "data-id": application.id, "data-revoked": String(application.revoked) },
      el("td", { text: application.name }),
      el("td", { text: application.version }),
      el("td", { text: application.serviceProviders.join(", ") }),
      el("td", { text: application.scopes.join(", ") }),
      el("td", { class: "state", text: application.revoked ? "revoked" : "approved" }),
      el("td", { class: "id", text: application.id }),
      el("td", {}, download, " ", revoke));
  }));
}

function showStatement(application, statement) {
  $("statement").value = statement;
  const link = $("statement-file");
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([statement], { type: "application/jwt" }));
  link.download = (application.name + "-" + application.version).replace(/[^A-Za-z0-9._-]+/g, "_") + ".jwt";
  link.hidden = false;
}

async function downloadStatement(application) {
  const answer = await api("POST", "/admin/v1/applications/" + encodeURIComponent(application.id) + "/software-statement");
  showStatement(application, answer.software_statement);
  return "Statement of " + application.name + " " + application.version + " issued (below)";
}

async function revokeApplication(application) {
  const sure = await confirmStep("Revoke " + application.name + " " + application.version + " (" + application.id +
    ")? Its statements, clients and tokens stop working on every gateway process. This cannot be undone.");
  if (!sure) { status("idle", "Revocation cancelled"); return; }
  await act("Revoke " + application.name, async () => {
    await api("DELETE", "/admin/v1/applications/" + encodeURIComponent(application.id));
    await loadApplications();
    return "Revoked " + application.name + " " + application.version;
  });
}

function items(id) {
  return $(id).value.split(",").map(s => s.trim()).filter(s => s);
}

async function createApplication(event) {
  event.preventDefault();
  const request = {
    name: $("app-name").value.trim(),
    version: $("app-version").value.trim(),
    serviceProviders: items("app-sps"),
    platforms: items("app-platforms"),
    domains: items("app-domains"),
    customSchemes: items("app-schemes"),
  };
  const scopes = items("app-scopes");
  if (scopes.length) request.scopes = scopes;
  await act("Create " + request.name, async () => {
    const created = await api("POST", "/admin/v1/applications", request);
    showStatement(created, created.software_statement);
    await loadApplications();
    return "Created " + created.name + " " + created.version + " (" + created.id + "); its statement is below";
  });
}

// ---- integrations and degradation rules ------------------------------------------------------

async function loadIntegrations() {
  integrations = (await api("GET", "/console/api/integrations")).integrations;
  $("integrations").tBodies[0].replaceChildren(...integrations.map(integration => {
    const id = integration.serviceProvider + "/" + integration.mvpd;
    const change = el("td");
    if (!integration.type.startsWith("temppass")) {
      const select = el("select", { class: "rule-select", "aria-label": "Rule for " + id },
        ...RULES.map(rule => el("option", { value: rule, text: rule })));
      if (integration.rule) select.value = integration.rule;
      const apply = el("button", { type: "button", class: "apply", text: "Apply" });
      apply.onclick = () => setRule(integration, select.value);
      const remove = el("button", { type: "button", class: "remove", text: "Remove" });
      remove.onclick = () => setRule(integration, null);
      change.append(select, " ", apply, " ", remove);
    } else {
      change.textContent = "TempPass: see Reset";
    }
    return el("tr", { "data-integration": id },
      el("td", { text: integration.serviceProvider }),
      el("td", { text: integration.mvpd + (integration.displayName !== integration.mvpd ? " (" + integration.displayName + ")" : "") }),
      el("td", { text: integration.type }),
      el("td", { text: integration.active ? "yes" : "no" }),
      el("td", { text: integration.type.startsWith("temppass") ? "" : integration.configuredRule || "none" }),
      el("td", { class: "rule", text: integration.type.startsWith("temppass") ? "" : integration.rule || "none" }),
      change);
  }));
}

function degradationPath(integration) {
  return "/admin/v1/degradation/" + encodeURIComponent(integration.serviceProvider) + "/" +
    encodeURIComponent(integration.mvpd);
}

async function setRule(integration, rule) {
  const id = integration.serviceProvider + "/" + integration.mvpd;
  const label = (rule ? "Apply " + rule + " to " : "Remove the rule of ") + id;
  await act(label, async () => {
    if (rule) await api("PUT", degradationPath(integration), { rule });
    else await api("DELETE", degradationPath(integration));
    // This process applied it on return; read it back as every process will see it.
    const now = await api("GET", degradationPath(integration));
    await loadIntegrations();
    return label + ": rule in force " + (now.rule || "none");
  });
}

// ---- reset -------------------------------------------------------------------------------------

async function loadReset() {
  const select = $("reset-integration");
  const current = select.value;
  select.replaceChildren(...integrations.filter(i => i.type.startsWith("temppass")).map(i =>
    el("option", { value: i.serviceProvider + "/" + i.mvpd, "data-type": i.type,
      text: i.serviceProvider + "/" + i.mvpd + " (" + i.type + ")" })));
  if (current) select.value = current;
}

async function reset(event) {
  event.preventDefault();
  const option = $("reset-integration").selectedOptions[0];
  if (!option) { status("error", "No TempPass integration is configured"); return; }
  const [sp, mvpd] = option.value.split("/");
  const scope = document.querySelector("input[name=reset-scope]:checked").value;
  const target = $("reset-target").value.trim();
  if (scope !== "all" && !target) {
    status("error", "Reset: give the " + (scope === "device" ? "device id" : "identity") + " to reset");
    return;
  }
  if (scope === "identity" && option.dataset.type !== "temppass-promotional") {
    status("error", "Reset: an identity reset applies to promotional TempPass integrations only");
    return;
  }
  const what = scope === "all" ? "every trial" : scope + " " + target;
  const sure = await confirmStep("Reset TempPass on " + option.value + ": " + what + "? " +
    (scope === "all" ? "Every viewer of this integration gets a new trial." : "This viewer gets a new trial."));
  if (!sure) { status("idle", "Reset cancelled"); return; }
  const query = new URLSearchParams({ requestor_id: sp, mvpd_id: mvpd });
  let path = "/reset-tempass/v3/reset";
  if (scope === "identity") { path += "/generic"; query.set("key", target); }
  else query.set("device_id", scope === "all" ? "all" : target);
  await act("Reset " + what + " on " + option.value, async () => {
    await api("DELETE", path + "?" + query);
    return "Reset " + what + " on " + option.value;
  });
}

// ---- live rates from /metrics ------------------------------------------------------------------

// The Prometheus text format: one sample a line, "name{label="value",…} value [timestamp]".
function parseMetrics(text) {
  const out = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const row of text.split("\n")) {
    if (!row || row.startsWith("#")) continue;
    const m = line.exec(row);
    if (!m) continue;
    const labels = {};
    if (m[2]) for (const l of m[2].matchAll(label))
      labels[l[1]] = l[2].replace(/\\(.)/g, (x, c) => (c === "n" ? "\n" : c));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

// The counters the console follows, summed by the labels that name each row.
const SERIES = [
  { name: "temppass_decisions_total", row: l => "decisions " + l.source + " " + l.outcome },
  { name: "temppass_mvpd_signins_total", row: l => "sign-ins " + l.outcome },
  { name: "temppass_throttle_rejections_total", row: () => "throttled (429)" },
];

function sample(metrics) {
  const counters = {};
  const breakers = {};
  for (const m of metrics) {
    const series = SERIES.find(s => s.name === m.name);
    if (series) {
      const row = series.row(m.labels);
      counters[row] = (counters[row] || 0) + m.value;
    } else if (m.name === "temppass_mvpd_breaker_open") {
      breakers[m.labels.integration] = m.value;
    }
  }
  return { at: Date.now(), counters, breakers };
}

async function takeSample() {
  try {
    const response = await fetch("/metrics", { cache: "no-store", credentials: "omit" });
    if (!response.ok) throw new Error("/metrics answered " + response.status);
    samples.push(sample(parseMetrics(await response.text())));
    while (samples.length > RING) samples.shift();
    $("rates-updated").textContent = "Last sample " + new Date().toLocaleTimeString() + ", " + samples.length + " kept.";
    $("rates-updated").dataset.samples = String(samples.length);
  } catch (e) {
    $("rates-updated").textContent = "Sampling failed: " + e.message;
  }
  if (!$("rates-screen").hidden) renderRates();
}

function startSampling() {
  if (sampling) return;
  takeSample();
  sampling = setInterval(takeSample, SAMPLE_EVERY_MS);
}

// Per minute over the last windowMs: a counter that went down (a restarted process) counts from 0.
function perMinute(row, windowMs) {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1];
  const first = samples.find(s => s.at >= last.at - windowMs - SAMPLE_EVERY_MS / 2) || samples[0];
  if (first === last) return null;
  const now = last.counters[row] || 0;
  const then = first.counters[row] || 0;
  const delta = now >= then ? now - then : now;
  return delta / ((last.at - first.at) / 60000);
}

function sparkline(row) {
  const width = 120, height = 24;
  const steps = [];
  for (let i = 1; i < samples.length; i++) {
    const now = samples[i].counters[row] || 0, then = samples[i - 1].counters[row] || 0;
    steps.push(now >= then ? now - then : now);
  }
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "increase per sample");
  if (steps.length) {
    const top = Math.max(1, ...steps);
    const points = steps.map((v, i) =>
      (steps.length === 1 ? width : (i * width) / (RING - 2)).toFixed(1) + "," + (height - 1 - (v / top) * (height - 2)).toFixed(1));
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "currentColor");
    svg.append(line);
  }
  return svg;
}

function renderRates() {
  const last = samples[samples.length - 1];
  const rows = last ? Object.keys(last.counters).sort() : [];
  const format = v => (v === null ? "—" : v.toFixed(1) + "/min");
  $("rates").tBodies[0].replaceChildren(...rows.map(row => {
    const total = last.counters[row];
    return el("tr", { "data-series": row },
      el("td", { text: row }),
      el("td", { class: "minute", text: format(perMinute(row, 60000)) }),
      el("td", { class: "five", text: format(perMinute(row, 300000)) }),
      el("td", { class: "total", text: String(total) }),
      el("td", {}, sparkline(row)));
  }));
  const breakers = last ? Object.entries(last.breakers).sort() : [];
  $("breakers").tBodies[0].replaceChildren(...(breakers.length ? breakers.map(([integration, open]) =>
    el("tr", { "data-integration": integration },
      el("td", { text: integration }),
      el("td", { class: open ? "state open" : "state", text: open ? "open" : "closed" })))
    : [el("tr", {}, el("td", { text: "no MVPD authorization configured" }), el("td"))]));
}

// ---- wiring ------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("rates-every").textContent = String(SAMPLE_EVERY_MS / 1000);
  $("sign-in-form").addEventListener("submit", event => {
    event.preventDefault();
    signIn($("token").value.trim());
  });
  $("sign-out").addEventListener("click", () => signOut("Signed out."));
  for (const tab of document.querySelectorAll("#tabs button"))
    tab.addEventListener("click", () => show(tab.dataset.screen));
  $("create-form").addEventListener("submit", createApplication);
  $("reset-form").addEventListener("submit", reset);
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) signIn(kept);
});
