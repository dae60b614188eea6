// One instance: facts, diagram with overlays, incidents (retry), variables (edit), jobs, timers,
// subscriptions, relations, modify, console actions and the record history. A server-sent
// event stream says when the instance changed; the page then fetches it again.
"use strict";

const instanceKey = location.pathname.split("/").pop();
let me = null;
let diagram = null;
let detail = null;
let editing = null; // variable key being edited: a live refresh must not wipe the input
let lastHistory = 0;
let undrawable = null; // definition key whose diagram bpmn-js could not draw

function table(headers, rows, empty) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("table", { class: "grid small" },
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows));
}

function scopeName(scopeKey) {
  if (scopeKey === instanceKey) return "process";
  const element = detail.elements.find((e) => e.key === scopeKey);
  return element ? `${element.elementId} (${scopeKey})` : scopeKey;
}

function renderFacts() {
  const i = detail.instance;
  document.getElementById("key").textContent = i.key;
  document.getElementById("state").replaceChildren(badge(i.state));
  document.title = `Instance ${i.key} · ${i.processId}`;
  const facts = [
    ["Process", `${i.processId} v${i.version}${i.processName ? ` (${i.processName})` : ""}`],
    ["Started", fmtTime(i.startDate)],
    ["Ended", fmtTime(i.endDate) || "—"],
  ];
  const dl = document.getElementById("facts");
  dl.replaceChildren(...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  if (detail.parent) {
    dl.append(h("dt", {}, "Called by"), h("dd", {},
      h("a", { href: `${PREFIX}/instances/${detail.parent.key}` }, `${detail.parent.processId} ${detail.parent.key}`)));
  }
  document.getElementById("cancel").hidden = !(me.mayAct && i.endDate === null);
}

function renderIncidents() {
  const rows = detail.incidents.filter((x) => x.state === "ACTIVE").map((x) => h("tr", { "data-incident": x.key },
    h("td", {}, x.elementId),
    h("td", {}, x.errorType),
    h("td", { class: "message" }, x.hidden ? h("i", {}, "hidden for your role") : x.errorMessage),
    h("td", {}, fmtTime(x.creationTime)),
    h("td", {}, me.mayAct ? h("button", {
      type: "button", class: "retry", onclick: () => retry(x),
    }, x.jobKey ? "Retry 重试" : "Resolve 解决") : ""),
  ));
  const resolved = detail.incidents.filter((x) => x.state !== "ACTIVE").length;
  document.getElementById("incidents").replaceChildren(
    table(["Element", "Type", "Message", "Since", ""], rows, "No open incidents."),
    resolved ? h("p", { class: "hint" }, `${resolved} resolved earlier`) : "",
  );
  document.getElementById("incidents-panel").classList.toggle("alert", rows.length > 0);
}

function variableRow(v) {
  const isEditing = editing === v.key;
  let valueCell;
  if (v.hidden) valueCell = h("i", {}, "hidden for your role");
  else if (isEditing) {
    const area = h("textarea", { class: "value-edit", rows: 2 }, v.value);
    valueCell = h("div", {}, area,
      h("button", { type: "button", class: "save", onclick: () => saveVariable(v, area.value) }, "Save"),
      h("button", { type: "button", class: "secondary", onclick: () => { editing = null; renderVariables(); } }, "Cancel"));
  } else valueCell = h("code", { class: "value" }, v.value);
  const canEdit = me.mayAct && !v.hidden && !isEditing && detail.instance.endDate === null;
  return h("tr", { "data-variable": v.name, "data-scope": v.scopeKey },
    h("td", {}, scopeName(v.scopeKey)),
    h("td", {}, v.name),
    h("td", {}, valueCell),
    h("td", {}, canEdit ? h("button", {
      type: "button", class: "secondary edit", onclick: () => { editing = v.key; renderVariables(); },
    }, "Edit") : ""));
}

function renderVariables() {
  document.getElementById("variables").replaceChildren(
    table(["Scope", "Name", "Value (JSON)", ""], detail.variables.map(variableRow), "No variables."));
}

function renderSimple() {
  document.getElementById("jobs").replaceChildren(table(
    ["Key", "Type", "Element", "State", "Retries", "Worker", "Deadline"],
    detail.jobs.map((j) => h("tr", {}, h("td", {}, j.key), h("td", {}, j.type), h("td", {}, j.elementId),
      h("td", {}, j.state), h("td", {}, j.retries), h("td", {}, j.worker || ""), h("td", {}, fmtTime(j.deadline)))),
    "No jobs."));
  document.getElementById("timers").replaceChildren(table(
    ["Element", "Due", "Repetitions", "State"],
    detail.timers.map((t) => h("tr", {}, h("td", {}, t.elementId), h("td", {}, fmtTime(t.dueDate)),
      h("td", {}, t.repetitions), h("td", {}, t.state))),
    "No timers."));
  document.getElementById("subscriptions").replaceChildren(table(
    ["Element", "Message", "Correlation key", "State"],
    detail.subscriptions.map((m) => h("tr", {}, h("td", {}, m.elementId), h("td", {}, m.messageName),
      h("td", {}, m.correlationKey === null ? h("i", {}, "hidden") : m.correlationKey), h("td", {}, m.state))),
    "No message subscriptions."));
  const relations = [];
  if (detail.parent) relations.push(h("tr", {}, h("td", {}, "calling 上级"),
    h("td", {}, h("a", { href: `${PREFIX}/instances/${detail.parent.key}` }, detail.parent.key)),
    h("td", {}, detail.parent.processId), h("td", {}, badge(detail.parent.state))));
  for (const c of detail.children) relations.push(h("tr", {}, h("td", {}, "called 下级"),
    h("td", {}, h("a", { href: `${PREFIX}/instances/${c.key}` }, c.key)),
    h("td", {}, c.processId), h("td", {}, badge(c.state))));
  document.getElementById("relations").replaceChildren(
    table(["", "Instance", "Process", "State"], relations, "No called or calling instances."));
  document.getElementById("audit").replaceChildren(table(
    ["When", "Who", "Action", "Details", "Outcome"],
    detail.audit.map((a) => h("tr", {}, h("td", {}, fmtTime(a.at)), h("td", {}, a.actor), h("td", {}, a.action),
      h("td", {}, h("code", {}, JSON.stringify(a.details))), h("td", {}, a.outcome))),
    "No console actions on this instance."));
}

async function renderModify() {
  const panel = document.getElementById("modify-panel");
  const activeElements = detail.elements.filter((e) => e.state === "ACTIVE" && e.elementType !== "PROCESS"
    && e.elementType !== "SUB_PROCESS" && e.elementType !== "MULTI_INSTANCE_BODY");
  if (!(me.mayAct && activeElements.length)) {
    panel.hidden = true;
    return;
  }
  const from = document.getElementById("modify-from");
  const chosen = from.value;
  from.replaceChildren(...activeElements.map((e) =>
    h("option", { value: e.key, selected: e.key === chosen }, `${e.elementId} (${e.key})`)));
  const to = document.getElementById("modify-to");
  if (!to.options.length) {
    const { items } = await call(`/api/definitions/${detail.instance.processDefinitionKey}/elements`);
    to.replaceChildren(...items.map((n) => h("option", { value: n.id }, n.name ? `${n.name} · ${n.id}` : n.id)));
  }
  panel.hidden = false; // shown only once both lists are filled: "Move" cannot send an empty target
}

async function loadHistory(reset) {
  if (reset) { lastHistory = 0; document.getElementById("history").replaceChildren(); }
  const page = await call(`/api/instances/${instanceKey}/records?after=${lastHistory}`);
  const box = document.getElementById("history");
  let tbody = box.querySelector("tbody");
  if (!tbody) {
    box.replaceChildren(h("table", { class: "grid small" },
      h("thead", {}, h("tr", {}, ["#", "Time", "Value type", "Intent", "Element", "Key"].map((x) => h("th", {}, x)))),
      tbody = h("tbody", {})));
  }
  for (const r of page.items) {
    tbody.append(h("tr", { title: JSON.stringify(r.value) },
      h("td", {}, r.position), h("td", {}, fmtTime(r.timestamp)), h("td", {}, r.valueType),
      h("td", {}, r.intent), h("td", {}, r.elementId || ""), h("td", {}, r.key)));
    lastHistory = r.position;
  }
  document.getElementById("more-history").hidden = !page.more;
}

// One refresh at a time: a live change arriving while an action's refresh runs (or the other
// way round) asks for one more pass instead of racing it over the same DOM and diagram.
let refreshing = null;
let refreshAgain = false;

function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      do {
        refreshAgain = false;
        await refreshOnce();
      } while (refreshAgain);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function refreshOnce() {
  detail = await call(`/api/instances/${instanceKey}`);
  renderFacts();
  renderIncidents();
  if (editing === null) renderVariables();
  renderSimple();
  await renderModify();
  const definitionKey = detail.instance.processDefinitionKey;
  if (diagram.available && undrawable !== definitionKey) {
    try {
      await diagram.show(definitionKey);
      diagram.mark(detail);
      diagram.focus(detail);
    } catch (error) {
      // e.g. a diagram deployed without its drawing (no BPMNDI): say so, show all the rest
      // and keep following the instance rather than stop here
      undrawable = definitionKey;
      document.getElementById("diagram").hidden = true;
      const notice = document.getElementById("diagram-error");
      notice.textContent = `The diagram cannot be drawn: ${error.message}`;
      notice.hidden = false;
    }
  }
  if (document.getElementById("more-history").hidden) await loadHistory(false);
}

async function act(path, body, done) {
  try {
    await call(path, { method: "POST", body });
    toast(done, "ok");
  } catch (error) {
    toast(`${error.status}: ${error.message}`, "error");
  }
  await refresh();
}

function retry(incident) {
  return act(`/api/incidents/${incident.key}/retry`, { retries: 1 },
    incident.jobKey ? "Retried: the job is available to workers again" : "Incident resolved");
}

async function saveVariable(v, text) {
  try {
    JSON.parse(text);
  } catch (error) {
    toast(`Not valid JSON: ${error.message}`, "error");
    return;
  }
  editing = null;
  await act(`/api/instances/${instanceKey}/variables`, { scopeKey: v.scopeKey, name: v.name, value: text },
    `Variable ${v.name} saved`);
}

function connectLive() {
  const status = document.getElementById("live");
  const source = new EventSource(`${PREFIX}/api/instances/${instanceKey}/events`);
  source.addEventListener("open", () => { status.textContent = "● live"; status.className = "live on"; });
  source.addEventListener("error", () => { status.textContent = "○ reconnecting"; status.className = "live"; });
  source.addEventListener("change", (event) => {
    const { position } = JSON.parse(event.data);
    if (detail && position === detail.position) return;
    refresh().catch((error) => toast(error.message, "error"));
  });
}

(async () => {
  me = await startPage("instances");
  const container = document.getElementById("diagram");
  diagram = new Diagram(container);
  if (!me.diagram || !diagram.available) {
    container.hidden = true;
    document.getElementById("no-diagram").hidden = false;
  }
  document.getElementById("cancel").addEventListener("click", () => {
    if (confirm(`Cancel instance ${instanceKey}? Its active elements are terminated.`)) {
      act(`/api/instances/${instanceKey}/cancel`, {}, "Instance canceled");
    }
  });
  document.getElementById("modify").addEventListener("submit", (event) => {
    event.preventDefault();
    const from = document.getElementById("modify-from").value;
    const to = document.getElementById("modify-to").value;
    act(`/api/instances/${instanceKey}/modify`, { fromElementInstanceKey: from, toElementId: to },
      `Token moved to ${to}`);
  });
  document.getElementById("more-history").addEventListener("click", () => loadHistory(false));
  try {
    await refresh();
  } catch (error) {
    toast(error.message, "error");
    return;
  }
  connectLive(); // its first event carries the newest position: a change made meanwhile shows
  markReady();
})();
