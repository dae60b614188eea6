"""The project's own diagrams must deploy: this is the check a deployment would make."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import parse_bpmn
from engine.model.elements import ElementType

DIAGRAMS = sorted((Path(__file__).resolve().parents[3] / "bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_project_diagram_parses(path: Path) -> None:
    processes = parse_bpmn(path.read_bytes(), path.name)
    assert processes
    for process in processes:
        assert process.start_event_ids
        # every flow connects two built elements of the same scope
        for flow in process.flows.values():
            assert process.element(flow.source_id).flow_scope_id == flow.flow_scope_id
            assert process.element(flow.target_id).flow_scope_id == flow.flow_scope_id
        jobs = [n for n in process.elements.values() if n.job is not None]
        assert all(n.job is not None and n.job.type.source for n in jobs)
        assert any(n.element_type is not ElementType.START_EVENT for n in process.elements.values())
