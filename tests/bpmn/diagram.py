"""Reading the diagrams in bpmn/ for the tests: elements, Zeebe extensions and DI geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = ROOT / "bpmn"
MAIN_DIAGRAM = BPMN_DIR / "after-death-affairs.bpmn"
CONTRACT = BPMN_DIR / "README.md"

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "zeebe": "http://camunda.org/schema/zeebe/1.0",
    "modeler": "http://camunda.org/schema/modeler/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
BPMN = "{{{}}}".format(NS["bpmn"])

# Flow node kinds (local names) that carry a shape in the diagram.
FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "userTask",
        "scriptTask",
        "businessRuleTask",
        "manualTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
GATEWAYS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def x2(self) -> float:
        return self.x + self.w

    @property
    def y2(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Interiors intersect (touching edges do not count)."""
        return (
            self.x < other.x2 - margin
            and other.x < self.x2 - margin
            and self.y < other.y2 - margin
            and other.y < self.y2 - margin
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x and self.y <= other.y and other.x2 <= self.x2 and other.y2 <= self.y2
        )

    def on_border(self, px: float, py: float, tol: float = 1.0) -> bool:
        inside = self.x - tol <= px <= self.x2 + tol and self.y - tol <= py <= self.y2 + tol
        near = min(abs(px - self.x), abs(px - self.x2), abs(py - self.y), abs(py - self.y2)) <= tol
        return inside and near

    def on_diamond(self, px: float, py: float, tol: float = 1.5) -> bool:
        """On the outline of the gateway diamond inscribed in this box."""
        d = abs(px - self.cx) / (self.w / 2) + abs(py - self.cy) / (self.h / 2)
        return abs(d - 1) * min(self.w, self.h) / 2 <= tol

    def on_circle(self, px: float, py: float, tol: float = 1.5) -> bool:
        r = min(self.w, self.h) / 2
        return abs(((px - self.cx) ** 2 + (py - self.cy) ** 2) ** 0.5 - r) <= tol


@dataclass
class Diagram:
    path: Path
    tree: etree._ElementTree
    elements: dict[str, etree._Element] = field(default_factory=dict)  # flow nodes by id
    flows: dict[str, etree._Element] = field(default_factory=dict)  # sequence flows by id
    shapes: dict[str, Box] = field(default_factory=dict)
    labels: dict[str, Box] = field(default_factory=dict)  # element or flow id -> label bounds
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def kind(self, element_id: str) -> str:
        return etree.QName(self.elements[element_id]).localname

    def parent_id(self, element_id: str) -> str | None:
        """The enclosing subprocess's id, or None at process level."""
        parent = self.elements[element_id].getparent()
        if parent is not None and etree.QName(parent).localname == "subProcess":
            return str(parent.get("id"))
        return None

    def ancestors(self, element_id: str) -> list[str]:
        out = []
        current = self.parent_id(element_id)
        while current is not None:
            out.append(current)
            current = self.parent_id(current)
        return out

    def xpath(self, expression: str) -> list:
        return self.root.xpath(expression, namespaces=NS)


def load(path: Path) -> Diagram:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(path), parser)
    diagram = Diagram(path=path, tree=tree)
    for process in tree.getroot().iterfind("bpmn:process", NS):
        for el in process.iter():
            if not isinstance(el.tag, str) or not el.tag.startswith(BPMN):
                continue
            local = etree.QName(el).localname
            if local in FLOW_NODES:
                diagram.elements[str(el.get("id"))] = el
            elif local == "sequenceFlow":
                diagram.flows[str(el.get("id"))] = el
    for shape in tree.getroot().iterfind(".//bpmndi:BPMNShape", NS):
        ref = str(shape.get("bpmnElement"))
        assert ref not in diagram.shapes, f"{ref} has two shapes"
        diagram.shapes[ref] = _box(shape.find("dc:Bounds", NS))
        label = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if label is not None:
            diagram.labels[ref] = _box(label)
    for edge in tree.getroot().iterfind(".//bpmndi:BPMNEdge", NS):
        ref = str(edge.get("bpmnElement"))
        assert ref not in diagram.edges, f"{ref} has two edges"
        diagram.edges[ref] = [
            (float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)
        ]
        label = edge.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if label is not None:
            diagram.labels[ref] = _box(label)
    return diagram


def _box(bounds: etree._Element) -> Box:
    return Box(*(float(bounds.get(k)) for k in ("x", "y", "width", "height")))


def diagrams() -> list[Path]:
    return sorted(BPMN_DIR.glob("*.bpmn"))
