// The diagram with Operate's overlays, on bpmn-js's prebuilt navigated viewer (global BpmnJS).
// When the bundle is missing (no Node.js at setup) window.BpmnJS is undefined and the page
// shows everything else.
"use strict";

class Diagram {
  constructor(container) {
    this.viewer = typeof BpmnJS === "undefined" ? null : new BpmnJS({ container });
    this.markers = [];
    this.overlayIds = [];
    this.definitionKey = null;
  }

  get available() { return this.viewer !== null; }

  async show(definitionKey) {
    if (!this.viewer || this.definitionKey === definitionKey) return;
    const xml = await call(`/api/definitions/${definitionKey}/xml`);
    await this.viewer.importXML(xml);
    this.viewer.get("canvas").zoom("fit-viewport", "auto");
    this.definitionKey = definitionKey;
    this.focused = false;
  }

  // A large diagram fitted to the box is unreadable: once, centre on the first incident (or
  // active element) at a readable scale; the user can pan and zoom from there.
  focus(detail) {
    if (!this.viewer || this.focused) return;
    this.focused = true;
    const canvas = this.viewer.get("canvas");
    const registry = this.viewer.get("elementRegistry");
    if (canvas.zoom() >= 0.7) return;
    const incident = detail.incidents.find((i) => i.state === "ACTIVE");
    const active = detail.elements.find((e) => e.state === "ACTIVE" && registry.get(e.elementId));
    const target = registry.get((incident || active || {}).elementId);
    if (!target) return;
    const scale = 0.85;
    const { width, height } = canvas.viewbox().outer;
    const cx = target.x + (target.width || 0) / 2;
    const cy = target.y + (target.height || 0) / 2;
    canvas.viewbox({ x: cx - width / scale / 3, y: cy - height / scale / 2, width: width / scale, height: height / scale });
  }

  // detail = the /api/instances/{key} answer
  mark(detail) {
    if (!this.viewer) return;
    const canvas = this.viewer.get("canvas");
    const overlays = this.viewer.get("overlays");
    const registry = this.viewer.get("elementRegistry");
    for (const [id, cls] of this.markers) canvas.removeMarker(id, cls);
    for (const id of this.overlayIds) overlays.remove(id);
    this.markers = [];
    this.overlayIds = [];
    const add = (id, cls) => {
      if (!registry.get(id)) return;
      canvas.addMarker(id, cls);
      this.markers.push([id, cls]);
    };
    const active = {};
    for (const e of detail.elements) {
      if (e.state === "ACTIVE" && e.elementType !== "PROCESS") active[e.elementId] = (active[e.elementId] || 0) + 1;
      if (e.state === "COMPLETED") add(e.elementId, "taken");
    }
    for (const flow of detail.takenFlows) add(flow, "taken");
    const incidents = {};
    for (const i of detail.incidents) {
      if (i.state === "ACTIVE") incidents[i.elementId] = (incidents[i.elementId] || 0) + 1;
    }
    for (const [id, n] of Object.entries(active)) {
      if (!registry.get(id)) continue;
      add(id, "active");
      this.overlayIds.push(overlays.add(id, "token", {
        position: { bottom: 10, left: -10 },
        html: h("span", { class: "token-count", "data-element": id, title: `${n} active` }, n),
      }));
    }
    for (const [id, n] of Object.entries(incidents)) {
      if (!registry.get(id)) continue;
      add(id, "incident");
      this.overlayIds.push(overlays.add(id, "incident", {
        position: { top: -10, right: 10 },
        html: h("span", { class: "incident-mark", "data-element": id, title: `${n} incident(s)` }, "!"),
      }));
    }
  }
}
