"""The diagrams' DI is complete and tidy, so Camunda Modeler opens them as drawn.

Complete: every flow node has a shape and every sequence flow an edge (Modeler silently drops, or
lays out on its own, what has none). Tidy: shapes do not overlap, edges start and end on their
elements, run orthogonally, cross no unrelated shape, flows go left to right, labels cover nothing.
"""

from __future__ import annotations

from itertools import combinations, pairwise
from pathlib import Path

import pytest

from tests.bpmn.diagram import GATEWAYS, NS, Box, Diagram, diagrams, load

DIAGRAMS = diagrams()


@pytest.fixture(params=DIAGRAMS, ids=[p.name for p in DIAGRAMS], scope="module")
def diagram(request: pytest.FixtureRequest) -> Diagram:
    path: Path = request.param
    return load(path)


def test_there_is_a_diagram() -> None:
    assert any(p.name == "after-death-affairs.bpmn" for p in DIAGRAMS)


def test_every_flow_node_and_sequence_flow_is_drawn(diagram: Diagram) -> None:
    missing_shapes = sorted(set(diagram.elements) - set(diagram.shapes))
    missing_edges = sorted(set(diagram.flows) - set(diagram.edges))
    assert not missing_shapes, f"flow nodes without a shape: {missing_shapes}"
    assert not missing_edges, f"sequence flows without an edge: {missing_edges}"


def test_di_refers_to_existing_elements(diagram: Diagram) -> None:
    ids = set(diagram.xpath("//@id"))
    dangling = sorted(ref for ref in [*diagram.shapes, *diagram.edges] if ref not in ids)
    assert not dangling, f"DI for unknown elements: {dangling}"
    planes = diagram.xpath("//bpmndi:BPMNPlane/@bpmnElement")
    processes = diagram.xpath("//bpmn:process/@id") + diagram.xpath("//bpmn:collaboration/@id")
    assert planes and all(p in processes for p in planes), "the plane must show the process"


def test_shapes_have_a_size_and_edges_two_points(diagram: Diagram) -> None:
    flat = [ref for ref, box in diagram.shapes.items() if box.w <= 0 or box.h <= 0]
    short = [ref for ref, points in diagram.edges.items() if len(points) < 2]
    assert not flat and not short, f"empty shapes {flat}, edges with < 2 waypoints {short}"


def test_subprocesses_are_expanded_and_hold_their_children(diagram: Diagram) -> None:
    collapsed = diagram.xpath(
        "//bpmndi:BPMNShape[@bpmnElement=//bpmn:subProcess/@id][not(@isExpanded='true')]"
        "/@bpmnElement"
    )
    assert not collapsed, f"subprocesses drawn collapsed: {collapsed}"
    outside = [
        (child, parent)
        for child in diagram.elements
        if (parent := diagram.parent_id(child))
        and not diagram.shapes[parent].contains(diagram.shapes[child])
    ]
    assert not outside, f"elements drawn outside their subprocess: {outside}"


def test_no_two_shapes_overlap(diagram: Diagram) -> None:
    clashes = []
    for a, b in combinations(sorted(diagram.elements), 2):
        if a in diagram.ancestors(b) or b in diagram.ancestors(a):
            continue  # a subprocess and what it contains
        if _host(diagram, a) == b or _host(diagram, b) == a:
            continue  # a boundary event sits on its host's border
        if diagram.shapes[a].overlaps(diagram.shapes[b]):
            clashes.append((a, b))
    assert not clashes, f"overlapping shapes: {clashes}"


def test_boundary_events_sit_on_their_host_border(diagram: Diagram) -> None:
    off = []
    for element_id in diagram.elements:
        host = _host(diagram, element_id)
        if host is None:
            continue
        box = diagram.shapes[element_id]
        if not diagram.shapes[host].on_border(box.cx, box.cy, tol=2):
            off.append(element_id)
    assert not off, f"boundary events not on their host's border: {off}"


def test_edges_start_and_end_on_their_elements(diagram: Diagram) -> None:
    loose = []
    for flow_id, flow in diagram.flows.items():
        points = diagram.edges[flow_id]
        for end, ref in ((points[0], flow.get("sourceRef")), (points[-1], flow.get("targetRef"))):
            if not _on_outline(diagram, ref, *end):
                loose.append((flow_id, ref, end))
    assert not loose, f"edge ends not on their element's outline: {loose}"


def test_edges_are_orthogonal(diagram: Diagram) -> None:
    slanted = [
        flow_id
        for flow_id, points in diagram.edges.items()
        if any(
            abs(x1 - x2) > 0.5 and abs(y1 - y2) > 0.5 for (x1, y1), (x2, y2) in _segments(points)
        )
    ]
    assert not slanted, f"edges with slanted segments: {slanted}"


def test_edges_cross_no_unrelated_shape(diagram: Diagram) -> None:
    crossings = []
    for flow_id, flow in diagram.flows.items():
        source, target = str(flow.get("sourceRef")), str(flow.get("targetRef"))
        related = {source, target, *diagram.ancestors(source), *diagram.ancestors(target)}
        if (host := _host(diagram, source)) is not None:
            related.add(host)
        for other, box in diagram.shapes.items():
            if other in related or other not in diagram.elements:
                continue
            if any(_segment_enters(box, a, b) for a, b in _segments(diagram.edges[flow_id])):
                crossings.append((flow_id, other))
    assert not crossings, f"edges drawn through other shapes: {crossings}"


def test_flows_go_left_to_right(diagram: Diagram) -> None:
    backwards = [
        flow_id
        for flow_id, flow in diagram.flows.items()
        if diagram.shapes[flow.get("targetRef")].cx < diagram.shapes[flow.get("sourceRef")].cx - 1
    ]
    assert not backwards, f"flows drawn right to left: {backwards}"


def test_labels_cover_no_shape(diagram: Diagram) -> None:
    covered = []
    for owner, label in diagram.labels.items():
        if owner in diagram.flows:
            base = str(diagram.flows[owner].get("sourceRef"))
            mine = {base, *diagram.ancestors(base)}
        else:
            mine = {owner, *diagram.ancestors(owner)}
        for other in diagram.elements:
            if other not in mine and label.overlaps(diagram.shapes[other], margin=1):
                covered.append((owner, other))
    assert not covered, f"labels drawn over shapes: {covered}"


def test_labels_are_crossed_by_no_other_edge(diagram: Diagram) -> None:
    crossed = []
    for owner, label in diagram.labels.items():
        for flow_id, flow in diagram.flows.items():
            if owner in (flow_id, flow.get("sourceRef"), flow.get("targetRef")):
                continue
            if any(_segment_enters(label, a, b) for a, b in _segments(diagram.edges[flow_id])):
                crossed.append((owner, flow_id))
    assert not crossed, f"labels with an edge drawn through them: {crossed}"


# --- helpers ---------------------------------------------------------------------------------


def _host(diagram: Diagram, element_id: str) -> str | None:
    return diagram.elements[element_id].get("attachedToRef")


def _on_outline(diagram: Diagram, ref: str, x: float, y: float) -> bool:
    box = diagram.shapes[ref]
    kind = diagram.kind(ref)
    if kind in GATEWAYS:
        return box.on_diamond(x, y)
    if kind.endswith("Event"):
        return box.on_circle(x, y)
    return box.on_border(x, y)


def _segments(points: list[tuple[float, float]]) -> list:
    return list(pairwise(points))


def _segment_enters(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether segment a-b passes through the box's interior (shrunk by 1 px): Liang-Barsky."""
    x0, y0, x1, y1 = box.x + 1, box.y + 1, box.x2 - 1, box.y2 - 1
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return t1 - t0 > 1e-9


def test_segment_helper_sees_a_crossing() -> None:
    box = Box(10, 10, 20, 20)
    assert _segment_enters(box, (0, 20), (40, 20))
    assert not _segment_enters(box, (0, 5), (40, 5))
    assert not _segment_enters(box, (10, 0), (10, 40))  # along the border
    assert NS["bpmn"].endswith("MODEL")
