// The reference app: plain JavaScript against Adobe Pass REST API V2 and Dynamic Client Registration,
// using only the paths, headers and fields of Adobe's documents. Each step writes its result into the
// <output> of the same id, with data-state "ok" or "error".
"use strict";

// The programmer's choices, as a real app has them.
const SIGN_IN = { serviceProvider: "REF30", mvpd: "Cablevision", resource: "REF30" };
const TEMPPASS = { serviceProvider: "apasstest1", mvpd: "TempPass_TEST40", resource: "REF30" };
const PAGE = location.origin + location.pathname;

let settings; // { apiBase, softwareStatement }: what the app embeds

function show(id, state, text) {
  const out = document.getElementById(id);
  out.dataset.state = state;
  out.textContent = text;
  const log = JSON.parse(sessionStorage.getItem("steps") || "{}");
  log[id] = { state, text };
  sessionStorage.setItem("steps", JSON.stringify(log));
}

function restoreSteps() {
  const log = JSON.parse(sessionStorage.getItem("steps") || "{}");
  for (const [id, step] of Object.entries(log)) {
    const out = document.getElementById(id);
    out.dataset.state = step.state;
    out.textContent = step.text;
  }
}

class StepError extends Error {}

async function call(method, path, { headers = {}, body } = {}) {
  const response = await fetch(new URL(path, settings.apiBase), { method, headers, body });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const code = json && (json.code || json.error);
    throw new StepError(response.status + " " + (code || text));
  }
  return json;
}

// AP-Device-Identifier: "fingerprint " + Base64 of a stable, app-managed device id.
function deviceIdentifier() {
  let id = localStorage.getItem("deviceId");
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("deviceId", id);
  }
  return "fingerprint " + btoa(id);
}

// X-Device-Info: Base64 of the device's JSON description.
function deviceInfo() {
  return btoa(JSON.stringify({
    primaryHardwareType: "Unknown", model: "Web browser", version: "1.0", osName: "Unknown",
    osVersion: "Unknown", browserName: "Chromium", userAgent: navigator.userAgent,
    connectionType: "unknown", applicationId: "reference-app",
  }));
}

function apiHeaders(token, extra = {}) {
  return Object.assign({
    "Authorization": "Bearer " + token,
    "AP-Device-Identifier": deviceIdentifier(),
    "X-Device-Info": deviceInfo(),
    "Accept": "application/json",
  }, extra);
}

// DCR step 1, once per install: client credentials from the software statement.
async function clientCredentials() {
  const stored = localStorage.getItem("client");
  if (stored) return JSON.parse(stored);
  const client = await call("POST", "/o/client/register", {
    headers: { "Content-Type": "application/json", "X-Device-Info": deviceInfo() },
    body: JSON.stringify({ software_statement: settings.softwareStatement, redirect_uri: PAGE }),
  });
  localStorage.setItem("client", JSON.stringify(client));
  show("register", "ok", "client_id " + client.client_id + ", grant_types " +
       client.grant_types.join(",") + ", scopes " + [].concat(client.scopes).join(","));
  return client;
}

// DCR step 2: an access token, renewed when it expires.
async function accessToken(client) {
  const stored = JSON.parse(localStorage.getItem("token") || "null");
  if (stored && stored.until > Date.now()) return stored.access_token;
  const answer = await call("POST", "/o/client/token", {
    body: new URLSearchParams({
      client_id: client.client_id, client_secret: client.client_secret,
      grant_type: "client_credentials",
    }),
  });
  localStorage.setItem("token", JSON.stringify({
    access_token: answer.access_token, until: Date.now() + (answer.expires_in - 60) * 1000,
  }));
  show("token", "ok", "token_type " + answer.token_type + ", expires_in " + answer.expires_in);
  return answer.access_token;
}

async function configuration(token) {
  const lines = [];
  for (const sp of [SIGN_IN.serviceProvider, TEMPPASS.serviceProvider]) {
    const config = await call("GET", "/api/v2/" + sp + "/configuration", { headers: apiHeaders(token) });
    const mvpds = config.requestor.mvpds.map(m =>
      m.id + " (" + m.displayName + (m.isTempPass ? ", TempPass" : "") + ")");
    lines.push(sp + ": " + mvpds.join(", "));
  }
  show("configuration", "ok", lines.join("\n"));
}

function decisionText(answer) {
  return answer.decisions.map(d => d.resource + ": authorized " + d.authorized +
    (d.source ? ", source " + d.source : "") +
    (d.token ? ", media token" : "") +
    (d.error ? ", error " + d.error.code : "")).join("\n");
}

async function authorize(token, target, id) {
  const answer = await call("POST",
    "/api/v2/" + target.serviceProvider + "/decisions/authorize/" + target.mvpd, {
      headers: apiHeaders(token, { "Content-Type": "application/json" }),
      body: JSON.stringify({ resources: [target.resource] }),
    });
  show(id, "ok", decisionText(answer));
}

// Authentication: a session whose redirectUrl is this page, then the MVPD in this tab.
async function signIn(token) {
  const session = await call("POST", "/api/v2/" + SIGN_IN.serviceProvider + "/sessions", {
    headers: apiHeaders(token, { "Content-Type": "application/x-www-form-urlencoded" }),
    body: new URLSearchParams({ mvpd: SIGN_IN.mvpd, domainName: location.hostname, redirectUrl: PAGE }),
  });
  show("session", "ok", "actionName " + session.actionName + ", actionType " + session.actionType +
       ", code " + session.code);
  if (session.actionName !== "authenticate") return;
  sessionStorage.setItem("code", session.code);
  location.assign(new URL(session.url, settings.apiBase).href);
}

// Back on redirectUrl: poll the profile by the session's code.
async function profileByCode(token, code) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const answer = await call("GET", "/api/v2/" + SIGN_IN.serviceProvider + "/profiles/code/" +
                              encodeURIComponent(code), { headers: apiHeaders(token) });
    const profile = answer.profiles && answer.profiles[SIGN_IN.mvpd];
    if (profile) {
      const user = profile.attributes && profile.attributes.userID;
      show("profile", "ok", SIGN_IN.mvpd + ": type " + profile.type + ", issuer " + profile.issuer +
           ", userID " + (user ? user.value : "?"));
      return;
    }
    if (Date.now() > deadline) throw new StepError("no profile for code " + code);
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function signOut(token) {
  const answer = await call("GET", "/api/v2/" + SIGN_IN.serviceProvider + "/logout/" + SIGN_IN.mvpd +
                            "?redirectUrl=" + encodeURIComponent(PAGE), { headers: apiHeaders(token) });
  const logout = answer.logouts[SIGN_IN.mvpd];
  show("logout", "ok", "actionName " + logout.actionName + ", actionType " + logout.actionType);
  if (logout.actionType === "interactive" && logout.url) {
    sessionStorage.setItem("loggingOut", "1");
    location.assign(new URL(logout.url, settings.apiBase).href);
  } else {
    await afterLogout(token);
  }
}

// Signed out, the same decision is refused: the enhanced error code says why.
async function afterLogout(token) {
  try {
    await authorize(token, SIGN_IN, "after-logout");
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    show("after-logout", "ok", "refused: " + e.message);
  }
}

// Runs fn, showing a failure in the step's output instead of losing it in the console.
async function step(id, fn) {
  try {
    return await fn();
  } catch (e) {
    show(id, "error", e instanceof StepError ? e.message : String(e));
    throw e;
  }
}

function enable(id, fn) {
  const button = document.getElementById(id);
  button.disabled = false;
  button.onclick = () => { button.disabled = true; fn().catch(() => {}); };
}

async function main() {
  restoreSteps();
  settings = await (await fetch("app-settings.json", { cache: "no-store" })).json();
  const client = await step("register", clientCredentials);
  const token = await step("token", () => accessToken(client));
  const code = sessionStorage.getItem("code");
  if (sessionStorage.getItem("loggingOut")) {
    sessionStorage.removeItem("loggingOut");
    show("logout", "ok", "signed out, back on redirectUrl");
    await step("after-logout", () => afterLogout(token));
  } else if (code) {
    sessionStorage.removeItem("code");
    await step("profile", () => profileByCode(token, code));
    await step("authorize", () => authorize(token, SIGN_IN, "authorize"));
    enable("sign-out", () => step("logout", () => signOut(token)));
  } else {
    await step("configuration", () => configuration(token));
    await step("temppass", () => authorize(token, TEMPPASS, "temppass"));
    enable("sign-in", () => step("session", () => signIn(token)));
  }
}

main().catch(() => {});
