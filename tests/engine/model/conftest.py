"""Helpers shared by the model tests: load and parse the fixture diagrams by file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import BpmnParseError, Process, parse_bpmn

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INVALID = FIXTURES / "invalid"


def load(name: str) -> Process:
    """Parse ``tests/engine/fixtures/<name>`` and return its single executable process."""
    processes = parse_bpmn((FIXTURES / name).read_bytes(), name)
    assert len(processes) == 1, [p.id for p in processes]
    return processes[0]


def refusal(name: str) -> BpmnParseError:
    """Parse ``tests/engine/fixtures/invalid/<name>`` and return the rejection."""
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn((INVALID / name).read_bytes(), name)
    return caught.value
