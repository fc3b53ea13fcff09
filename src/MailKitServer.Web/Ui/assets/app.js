// The inbox of MailKitServer.Web: plain DOM, no framework, nothing fetched from other hosts. Every value from a
// message goes into the page as text (textContent), never as markup; message HTML only ever renders in the
// sandboxed iframe, whose own Content-Security-Policy runs no script.
"use strict";

const state = { user: "", mailbox: "", query: "", start: 0, limit: 50, total: 0, more: false, selected: null, remote: false };
const $ = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, Object.assign({ headers: { "Accept": "application/json" } }, options));
  if (!response.ok && response.status !== 204) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

async function postJson(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Accept": "application/json", "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  const result = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    throw new Error((result && (result.detail || result.title)) || `${response.status} ${response.statusText}`);
  }
  return result;
}

function addresses(text) {
  return text.split(",").map((a) => a.trim()).filter((a) => a.length > 0);
}

function describeSubmit(r) {
  const parts = [];
  if (r.delivered.length) parts.push(`delivered to ${r.delivered.join(", ")}`);
  if (r.queued.length) parts.push(`queued for ${r.queued.join(", ")} (${r.queueId})`);
  if (r.refused.length) parts.push(`refused: ${r.refused.join("; ")}`);
  return parts.join("; ") || "nothing sent";
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  td.title = td.textContent;
  row.appendChild(td);
  return td;
}

function when(iso) {
  const d = new Date(iso);
  return isNaN(d) ? "" : d.toLocaleString();
}

function rowFor(m) {
  const tr = document.createElement("tr");
  tr.dataset.id = m.id;
  if (!m.read) tr.classList.add("unread");
  if (state.selected === m.id) tr.classList.add("selected");
  cell(tr, m.from);
  cell(tr, (m.to || []).join(", ") || m.user);
  cell(tr, m.subject || "(no subject)");
  cell(tr, when(m.received));
  tr.addEventListener("click", () => openMessage(m.id));
  return tr;
}

async function loadList() {
  const params = new URLSearchParams({ start: state.start, limit: state.limit });
  if (state.user) params.set("user", state.user);
  if (state.mailbox) params.set("mailbox", state.mailbox);
  if (state.query) params.set("query", state.query);
  const page = await api(`/api/v1/messages?${params}`);
  const body = $("messages").tBodies[0];
  body.replaceChildren(...page.messages.map(rowFor));
  state.total = page.total;
  state.more = page.more;
  updatePager();
}

function updatePager() {
  const shown = $("messages").tBodies[0].rows.length;
  $("prev").disabled = state.start === 0;
  $("next").disabled = !state.more;
  $("page-info").textContent = shown === 0 ? "No messages" : `${state.start + 1}–${state.start + shown}${state.total != null ? " of " + state.total : ""}`;
}

async function loadUsers() {
  const users = await api("/api/v1/users");
  const select = $("user");
  for (const u of users) {
    const option = document.createElement("option");
    option.value = u;
    option.textContent = u;
    select.appendChild(option);
  }
}

async function loadMailboxes() {
  const select = $("mailbox");
  select.replaceChildren(new Option("All mailboxes", ""));
  select.disabled = !state.user;
  if (!state.user) return;
  for (const m of await api(`/api/v1/users/${encodeURIComponent(state.user)}/mailboxes`)) {
    select.appendChild(new Option(`${m.name} (${m.unread}/${m.messages})`, m.name));
  }
}

function showTab(name) {
  for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const t of ["html", "text", "source", "headers"]) $(`tab-${t}`).hidden = t !== name;
  if (name === "source" && state.selected && !$("tab-source").dataset.loaded) {
    api(`/api/v1/messages/${state.selected}/raw`).then((text) => {
      $("tab-source").textContent = text;
      $("tab-source").dataset.loaded = "1";
    });
  }
}

async function openMessage(id) {
  state.selected = id;
  state.remote = false;
  for (const tr of $("messages").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.id === id);
  const m = await api(`/api/v1/messages/${id}`);
  $("view-pane").hidden = false;
  $("subject").textContent = m.summary.subject || "(no subject)";
  const dl = $("envelope");
  dl.replaceChildren();
  for (const [label, value] of [["From", m.summary.from], ["To", (m.summary.to || []).join(", ")], ["Cc", (m.cc || []).join(", ")], ["Date", m.summary.date ? when(m.summary.date) : ""], ["Account", `${m.summary.user} / ${m.summary.mailbox}`]]) {
    if (!value) continue;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.append(dt, dd);
  }
  const list = $("attachments");
  list.replaceChildren();
  for (const p of m.parts.filter((p) => p.isAttachment)) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `/api/v1/messages/${id}/parts/${p.index}`;
    a.download = p.fileName || `part-${p.index}`;
    a.textContent = `${p.fileName || "part " + p.index} (${p.size} bytes)`;
    a.className = "attachment";
    li.appendChild(a);
    list.appendChild(li);
  }
  $("download").href = `/api/v1/messages/${id}/raw?download=true`;
  $("release-result").textContent = "";
  $("tab-text").textContent = m.text || "";
  $("tab-source").textContent = "";
  delete $("tab-source").dataset.loaded;
  const headers = $("tab-headers").tBodies[0];
  headers.replaceChildren(...m.headers.map((h) => {
    const tr = document.createElement("tr");
    cell(tr, h.name);
    cell(tr, h.value);
    return tr;
  }));
  $("no-html").hidden = m.hasHtml;
  $("html-frame").hidden = !m.hasHtml;
  $("remote-bar").hidden = !m.hasHtml;
  $("html-frame").src = m.hasHtml ? `/api/v1/messages/${id}/html` : "about:blank";
  showTab(m.hasHtml ? "html" : "text");
  if (!m.summary.read) {
    await api(`/api/v1/messages/${id}/read`, { method: "POST" });
    const tr = [...$("messages").tBodies[0].rows].find((r) => r.dataset.id === id);
    if (tr) tr.classList.remove("unread");
  }
}

function matchesView(m) {
  if (state.start !== 0 || state.query) return false;
  if (state.user && m.user.toLowerCase() !== state.user.toLowerCase()) return false;
  if (state.mailbox && m.mailbox !== state.mailbox) return false;
  return true;
}

function connectEvents() {
  const events = new EventSource("/api/v1/events");
  events.addEventListener("ready", () => { $("live").textContent = "live"; $("live").classList.add("on"); });
  events.addEventListener("error", () => { $("live").textContent = "offline"; $("live").classList.remove("on"); });
  events.addEventListener("message-added", (e) => {
    const m = JSON.parse(e.data);
    if (!matchesView(m)) return;
    const body = $("messages").tBodies[0];
    const tr = rowFor(m);
    tr.classList.add("new");
    body.insertBefore(tr, body.firstChild);
    if (state.total != null) state.total++;
    while (body.rows.length > state.limit) {
      body.deleteRow(body.rows.length - 1);
      state.more = true;
    }
    updatePager();
  });
  events.addEventListener("message-deleted", (e) => {
    const { id } = JSON.parse(e.data);
    const tr = [...$("messages").tBodies[0].rows].find((r) => r.dataset.id === id);
    if (tr) {
      tr.remove();
      if (state.total != null) state.total--;
      updatePager();
    }
  });
  events.addEventListener("message-flags", (e) => {
    const { id, read } = JSON.parse(e.data);
    const tr = [...$("messages").tBodies[0].rows].find((r) => r.dataset.id === id);
    if (tr) tr.classList.toggle("unread", !read);
  });
}

async function loadQueue() {
  const body = $("queue").tBodies[0];
  let entries = [];
  try {
    entries = await api("/api/v1/queue");
  } catch {
    entries = [];
  }
  body.replaceChildren(...entries.map((q) => {
    const tr = document.createElement("tr");
    cell(tr, q.id);
    cell(tr, q.from || "<>");
    cell(tr, q.recipients.map((r) => `${r.address} (${r.state}${r.diagnostic ? ": " + r.diagnostic : ""})`).join(", "));
    cell(tr, q.attempts);
    cell(tr, when(q.nextAttempt));
    const actions = cell(tr, "");
    for (const [label, method, path] of [["Retry", "POST", `/api/v1/queue/${encodeURIComponent(q.id)}/retry`], ["Delete", "DELETE", `/api/v1/queue/${encodeURIComponent(q.id)}`]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", async () => { await api(path, { method }); await loadQueue(); });
      actions.appendChild(b);
    }
    return tr;
  }));
  $("queue-empty").hidden = entries.length > 0;
}

async function send() {
  const result = $("compose-result");
  try {
    const r = await postJson("/api/v1/send", {
      from: $("compose-from").value.trim(),
      to: addresses($("compose-to").value),
      cc: addresses($("compose-cc").value),
      subject: $("compose-subject").value,
      text: $("compose-text").value,
    });
    result.textContent = "Sent: " + describeSubmit(r);
  } catch (e) {
    result.textContent = "Not sent: " + e.message;
  }
}

async function release() {
  const result = $("release-result");
  try {
    const r = await postJson(`/api/v1/messages/${state.selected}/release`, { to: addresses($("release-to").value) });
    result.textContent = "Released: " + describeSubmit(r);
  } catch (e) {
    result.textContent = "Not released: " + e.message;
  }
}

// The faults exist where the server has them (the Testing package's sandbox); the page shows only then.
async function loadFaults() {
  const faults = await api("/api/v1/faults");
  $("faults").tBodies[0].replaceChildren(...faults.map((f) => {
    const tr = document.createElement("tr");
    for (const v of [f.stage, f.kind, f.reply, f.delayMilliseconds ? `${f.delayMilliseconds} ms` : "", f.recipient, f.remaining < 0 ? "always" : f.remaining, f.fired, f.probability || ""]) cell(tr, v);
    return tr;
  }));
}

async function armFault() {
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  const kind = $("fault-kind").value;
  const request = { kind, stage: $("fault-stage").value, times: number("fault-times") };
  if (kind === "refuse") Object.assign(request, { code: number("fault-code"), text: $("fault-text").value, recipient: $("fault-recipient").value.trim() || null, probability: number("fault-probability") });
  if (kind === "delay") request.delayMilliseconds = number("fault-delay");
  try {
    await postJson("/api/v1/faults", request);
    $("fault-result").textContent = `Armed: ${kind}`;
  } catch (e) {
    $("fault-result").textContent = "Not armed: " + e.message;
  }
  await loadFaults();
}

const pages = ["inbox", "queue", "compose", "faults"];

function showPage(name) {
  for (const p of pages) {
    $(`${p}-page`).hidden = p !== name;
    $(`nav-${p}`).classList.toggle("active", p === name);
  }
  if (name === "queue") loadQueue();
  if (name === "faults") loadFaults();
}

document.addEventListener("DOMContentLoaded", async () => {
  for (const p of pages) $(`nav-${p}`).addEventListener("click", () => showPage(p));
  $("compose-send").addEventListener("click", send);
  $("release").addEventListener("click", release);
  $("fault-arm").addEventListener("click", armFault);
  $("fault-clear").addEventListener("click", async () => { await api("/api/v1/faults", { method: "DELETE" }); await loadFaults(); $("fault-result").textContent = "Disarmed"; });
  fetch("/api/v1/faults", { headers: { "Accept": "application/json" } }).then((r) => { $("nav-faults").hidden = !r.ok; }, () => {});
  $("user").addEventListener("change", async (e) => { state.user = e.target.value; state.mailbox = ""; state.start = 0; await loadMailboxes(); await loadList(); });
  $("mailbox").addEventListener("change", async (e) => { state.mailbox = e.target.value; state.start = 0; await loadList(); });
  let typing;
  $("search").addEventListener("input", (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.query = e.target.value.trim(); state.start = 0; loadList(); }, 250);
  });
  $("prev").addEventListener("click", () => { state.start = Math.max(0, state.start - state.limit); loadList(); });
  $("next").addEventListener("click", () => { state.start += state.limit; loadList(); });
  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("allow-remote").addEventListener("click", () => {
    state.remote = true;
    $("remote-bar").hidden = true;
    $("html-frame").src = `/api/v1/messages/${state.selected}/html?remote=true`;
  });
  $("delete").addEventListener("click", async () => {
    await api(`/api/v1/messages/${state.selected}`, { method: "DELETE" });
    $("view-pane").hidden = true;
    state.selected = null;
    await loadList();
  });
  $("unread").addEventListener("click", async () => {
    await api(`/api/v1/messages/${state.selected}/unread`, { method: "POST" });
    await loadList();
  });
  await loadUsers();
  await loadList();
  connectEvents();
});
