// The case board page: a bearer token from this tab's sessionStorage, one GET /board/data,
// rendered with textContent only (names and ids are data, never markup).
"use strict";

const KEY = "shenhou.board.token";
const SVG = "http://www.w3.org/2000/svg";
const CARDS_PER_STAGE = 12; // overdue first, so the cut drops only the least urgent

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v; else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function s(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// County time (Asia/Shanghai, no daylight saving) whatever the browser's zone.
function fmt(iso) {
  const d = new Date(new Date(iso).getTime() + 8 * 3600000);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

function relative(iso, now) {
  const hours = (new Date(iso) - new Date(now)) / 3600000;
  const abs = Math.abs(hours);
  const text = abs >= 48 ? `${Math.round(abs / 24)} 天 d` : `${abs.toFixed(abs < 10 ? 1 : 0)} 小时 h`;
  return hours < 0 ? `超期 overdue ${text}` : `剩余 in ${text}`;
}

function barChart(rows, { label, value, late, height = 130, rotate = false }) {
  const width = 460, pad = 22, bottom = rotate ? 34 : 18;
  const max = Math.max(1, ...rows.map(value));
  const bw = (width - pad) / rows.length;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img" });
  rows.forEach((row, i) => {
    const v = value(row);
    const bh = ((height - bottom - 12) * v) / max;
    const x = pad + i * bw + 1;
    const y = height - bottom - bh;
    const rect = s("rect", { class: `bar${late && late(row) ? " late" : ""}`, x, y, width: Math.max(bw - 2, 1), height: bh });
    rect.append(s("title", {}, `${label(row)}: ${v}`));
    svg.append(rect);
    if (v) svg.append(s("text", { x: x + bw / 2 - 3, y: y - 2 }, v));
    if (!rotate || i % 5 === 0 || i === rows.length - 1) {
      svg.append(s("text", { x: x, y: height - (rotate ? 20 : 4) }, label(row)));
    }
  });
  svg.append(s("text", { x: 0, y: 10 }, max));
  return svg;
}

function caseCard(c, now) {
  const next = c.next;
  return h("div", { class: `case${c.overdue ? " overdue" : ""}`, "data-case": c.id },
    h("div", { class: "id" }, c.deceased_name || "—"),
    h("div", { class: "case-id" }, c.id),
    h("div", { class: "meta" }, c.township, " · 报告 reported ", fmt(c.reported_at)),
    next ? h("div", { class: "due" }, `${next.label_zh}（${next.unit_zh}）`,
      next.due_at ? ` ${fmt(next.due_at)} · ${relative(next.due_at, now)}` : "") : "",
    c.pending.length > 1 ? h("div", { class: "meta" }, `+${c.pending.length - 1} more pending`) : "",
    h("div", { class: "links" }, c.instance_url
      ? h("a", { href: c.instance_url, target: "_blank", rel: "noopener", class: "instance-link" }, "流程实例 instance ↗")
      : h("span", { class: "meta" }, "no process instance yet")),
  );
}

function render(data) {
  document.getElementById("open-count").textContent = data.open;
  document.getElementById("overdue-count").textContent = data.overdue;
  document.getElementById("updated").textContent = `updated ${fmt(data.now)}`;
  document.getElementById("stages").replaceChildren(...data.stages.map((st) => h("div", { class: "stage", "data-stage": st.stage },
    h("h2", {}, h("span", {}, `${st.label_zh} ${st.stage}`), h("span", {}, st.cases.length)),
    st.cases.length ? st.cases.slice(0, CARDS_PER_STAGE).map((c) => caseCard(c, data.now)) : h("p", { class: "empty" }, "—"),
    st.cases.length > CARDS_PER_STAGE ? h("p", { class: "more" }, `+${st.cases.length - CARDS_PER_STAGE} more (less urgent)`) : "")));
  document.getElementById("by-township").replaceChildren(
    h("tr", {}, h("th", {}, "乡镇"), h("th", { class: "num" }, "在办"), h("th", { class: "num" }, "超期")),
    ...data.townships.map((t) => h("tr", {}, h("td", {}, t.township), h("td", { class: "num" }, t.open),
      h("td", { class: `num${t.overdue ? " bad" : ""}` }, t.overdue))));
  document.getElementById("by-unit").replaceChildren(
    h("tr", {}, h("th", {}, "单位"), h("th", { class: "num" }, "待办"), h("th", { class: "num" }, "超期")),
    ...data.units.map((u) => h("tr", {}, h("td", {}, u.unit_zh), h("td", { class: "num" }, u.pending),
      h("td", { class: `num${u.overdue ? " bad" : ""}` }, u.overdue))));
  document.getElementById("volume-chart").replaceChildren(barChart(data.daily_volume, {
    label: (r) => r.day.slice(5), value: (r) => r.reports, rotate: true }));
  const ttc = data.time_to_certificate;
  document.getElementById("certificate-chart").replaceChildren(barChart(ttc.buckets, {
    label: (r) => r.label, value: (r) => r.count, late: (r) => r.late }));
  document.getElementById("certificate-facts").textContent = ttc.certified
    ? `${ttc.certified} certified · median ${ttc.median_hours} h · within 24 h ${(ttc.within_24h * 100).toFixed(0)}%`
    : "no certificates in the period";
  const township = document.getElementById("township");
  if (township.options.length === 1) {
    for (const t of data.townships) township.append(h("option", { value: t.township }, t.township));
  }
}

async function load() {
  const token = sessionStorage.getItem(KEY);
  const form = document.getElementById("token-form");
  if (!token) { form.hidden = false; return; }
  const params = new URLSearchParams();
  for (const id of ["township", "unit"]) {
    const v = document.getElementById(id).value;
    if (v) params.set(id, v);
  }
  const answer = await fetch(`/board/data?${params}`, { headers: { Authorization: `Bearer ${token}` } });
  const error = document.getElementById("error");
  if (answer.status === 401) { sessionStorage.removeItem(KEY); form.hidden = false; return; }
  if (!answer.ok) {
    const body = await answer.json().catch(() => ({}));
    error.textContent = body.message_zh || body.detail || `error ${answer.status}`;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  form.hidden = true;
  document.getElementById("board").hidden = false;
  document.getElementById("sign-out").hidden = false;
  render(await answer.json());
}

(() => {
  const units = [["health", "卫生健康"], ["police", "公安"], ["funeral_home", "殡仪馆"],
    ["civil_affairs", "民政"], ["hrss", "人力社保"], ["dpf", "残联"]];
  document.getElementById("unit").append(...units.map(([v, zh]) => h("option", { value: v }, zh)));
  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById("token").value.trim());
    load();
  });
  document.getElementById("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    location.reload();
  });
  for (const id of ["township", "unit"]) document.getElementById(id).addEventListener("change", load);
  load();
  setInterval(() => { if (!document.hidden && sessionStorage.getItem(KEY)) load(); }, 60000);
})();
