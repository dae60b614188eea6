// The instance list: the filter form mirrors the URL's query string (so a filtered list is a
// link to share), the table is one page of /console/api/instances.
"use strict";

const DATE_FIELDS = ["started_from", "started_to", "ended_from", "ended_to"];
let definitions = [];

function localInput(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function currentQuery() {
  const q = new URLSearchParams(location.search);
  if (!q.get("sort")) q.set("sort", "start");
  if (!q.get("order")) q.set("order", "desc");
  return q;
}

function fillVersions(selected) {
  const process = document.getElementById("f-process").value;
  const versions = definitions.filter((d) => d.processId === process).map((d) => d.version);
  document.getElementById("f-version").replaceChildren(
    h("option", { value: "" }, "all"),
    ...versions.map((v) => h("option", { value: v, selected: String(v) === selected }, `v${v}`)),
  );
}

function formFromQuery(q) {
  const form = document.getElementById("filters");
  for (const input of form.querySelectorAll("input:not([type=checkbox])")) {
    const value = q.get(input.name) || "";
    input.value = DATE_FIELDS.includes(input.name) && value ? localInput(value) : value;
  }
  const states = q.getAll("state");
  for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = states.includes(box.value);
  document.getElementById("f-process").value = q.get("process") || "";
  fillVersions(q.get("version") || "");
}

function queryFromForm() {
  const form = document.getElementById("filters");
  const old = currentQuery();
  const q = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (!value) continue;
    q.append(name, DATE_FIELDS.includes(name) ? new Date(value).toISOString() : value);
  }
  q.set("sort", old.get("sort"));
  q.set("order", old.get("order"));
  return q;
}

let loads = 0; // only the newest load may fill the table: answers can arrive out of order

async function load() {
  const q = currentQuery();
  const tbody = document.querySelector("#instances tbody");
  const mine = ++loads;
  let page;
  try {
    page = await call(`/api/instances?${q}`);
  } catch (error) {
    if (mine === loads) toast(error.message, "error");
    return;
  }
  if (mine !== loads) return;
  tbody.replaceChildren(...page.items.map((item) => h("tr", { "data-key": item.key },
    h("td", {}, h("a", { href: `${PREFIX}/instances/${item.key}` }, item.key)),
    h("td", {}, item.processId),
    h("td", {}, `v${item.version}`),
    h("td", {}, badge(item.state)),
    h("td", {}, fmtTime(item.startDate)),
    h("td", {}, fmtTime(item.endDate)),
    h("td", {}, item.parentKey ? h("a", { href: `${PREFIX}/instances/${item.parentKey}` }, item.parentKey) : ""),
  )));
  if (!page.items.length) tbody.append(h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No instances match.")));
  const first = page.total ? page.offset + 1 : 0;
  const last = page.offset + page.items.length;
  document.getElementById("summary").textContent =
    `${first}–${last} of ${page.total.toLocaleString("en")} (${page.tookMs} ms)`;
  document.getElementById("prev").disabled = page.offset === 0;
  document.getElementById("next").disabled = last >= page.total;
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.classList.toggle("sorted", th.dataset.sort === q.get("sort"));
    th.dataset.order = th.dataset.sort === q.get("sort") ? q.get("order") : "";
  }
}

function go(q) {
  history.pushState(null, "", `${location.pathname}?${q}`);
  load();
}

(async () => {
  await startPage("instances");
  definitions = (await call("/api/definitions")).items;
  const processes = [...new Set(definitions.map((d) => d.processId))];
  document.getElementById("f-process").append(...processes.map((p) => h("option", { value: p }, p)));
  document.getElementById("f-process").addEventListener("change", () => fillVersions(""));
  formFromQuery(currentQuery());
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    go(queryFromForm());
  });
  document.getElementById("reset").addEventListener("click", () => {
    formFromQuery(new URLSearchParams());
    go(new URLSearchParams());
  });
  const step = (sign) => {
    const q = currentQuery();
    const limit = Number(q.get("limit") || 50);
    q.set("offset", String(Math.max(0, Number(q.get("offset") || 0) + sign * limit)));
    go(q);
  };
  document.getElementById("prev").addEventListener("click", () => step(-1));
  document.getElementById("next").addEventListener("click", () => step(1));
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      const q = currentQuery();
      const same = q.get("sort") === th.dataset.sort;
      q.set("sort", th.dataset.sort);
      q.set("order", same && q.get("order") === "desc" ? "asc" : "desc");
      q.delete("offset");
      go(q);
    });
  }
  window.addEventListener("popstate", () => { formFromQuery(currentQuery()); load(); });
  await load();
  // Only now may the form take input: formFromQuery above would have undone anything earlier.
  const form = document.getElementById("filters");
  document.getElementById("filter-fields").disabled = false;
  form.removeAttribute("aria-busy");
  form.dataset.ready = "true";
  markReady();
})();
