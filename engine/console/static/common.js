// Shared by every console page: the session (who am I, CSRF token), JSON calls, DOM helpers.
// Every value from the engine is put into the page with textContent (h() below), never as HTML.
"use strict";

const PREFIX = "/console";

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function fmtTime(ms) {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function badge(state) {
  return h("span", { class: `badge state-${String(state).toLowerCase()}` }, state);
}

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

const session = { me: null };

async function call(path, options = {}) {
  const init = { credentials: "same-origin", headers: {}, ...options };
  if (init.body !== undefined) {
    init.method = init.method || "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(init.body);
  }
  if (init.method && init.method !== "GET" && session.me && session.me.csrf) {
    init.headers["X-CSRF-Token"] = session.me.csrf;
  }
  const answer = await fetch(PREFIX + path, init);
  if (answer.status === 401) {
    location.href = `${PREFIX}/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, "not logged in");
  }
  const type = answer.headers.get("content-type") || "";
  const body = type.includes("json") ? await answer.json() : await answer.text();
  if (!answer.ok) throw new ApiError(answer.status, (body && body.detail) || String(body));
  return body;
}

function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

// A page is "ready" once its controls are filled from the server and the URL and wired up:
// before that they are disabled (a tick or a click would be overwritten or lost). Browser
// tests wait for <body data-ready="true"> before they touch anything.
function markReady() {
  document.body.dataset.ready = "true";
}

async function startPage(active) {
  session.me = await call("/api/me");
  const nav = document.getElementById("nav");
  const links = [["processes", "Processes 流程"], ["instances", "Instances 实例"]];
  nav.replaceChildren(
    h("a", { class: "brand", href: `${PREFIX}/instances` }, "身后 shenhou · engine console"),
    ...links.map(([path, label]) =>
      h("a", { href: `${PREFIX}/${path}`, class: path === active ? "active" : "" }, label)),
    h("span", { class: "spacer" }),
    h("span", { class: "who", "data-testid": "who" },
      session.me.label, session.me.mayAct ? "" : " (read-only)"),
    h("button", {
      class: "link", type: "button", onclick: async () => {
        await call("/logout", { method: "POST" });
        location.href = `${PREFIX}/login`;
      },
    }, "Log out"),
  );
  return session.me;
}
