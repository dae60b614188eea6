// Process definitions, newest version first, with instance counts that link to the filtered list.
"use strict";

function countLink(def, state, n) {
  const q = new URLSearchParams({ process: def.processId, version: def.version, state });
  return n ? h("a", { href: `${PREFIX}/instances?${q}` }, n.toLocaleString("en")) : "0";
}

(async () => {
  await startPage("processes");
  const { items } = await call("/api/definitions");
  document.querySelector("#definitions tbody").replaceChildren(...items.map((d) => h("tr", {},
    h("td", {}, d.processId),
    h("td", {}, d.name || ""),
    h("td", {}, `v${d.version}`),
    h("td", {}, fmtTime(d.deployedAt)),
    h("td", { class: "num" }, countLink(d, "active", d.counts.ACTIVE)),
    h("td", { class: "num incident" }, countLink(d, "incident", d.counts.INCIDENT)),
    h("td", { class: "num" }, countLink(d, "completed", d.counts.COMPLETED)),
    h("td", { class: "num" }, countLink(d, "canceled", d.counts.CANCELED)),
    h("td", {}, h("a", { href: `${PREFIX}/api/definitions/${d.key}/xml?download=1` }, "XML ⤓")),
  )));
  markReady();
})();
