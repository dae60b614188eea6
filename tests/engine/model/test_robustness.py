"""Damaged diagrams are refused with BpmnParseError, never with a crash.

Starting from every valid fixture, hypothesis removes elements and attributes or changes
attribute values at random; whatever comes out must either parse or be refused cleanly.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.model import BpmnParseError, parse_bpmn

from .conftest import FIXTURES

VALID = sorted(FIXTURES.glob("*.bpmn"))
ODD_VALUES = ["", "=", "= (", "R", "P", "true", "false", "-1", "ghost", "=x", "PT1S", "a,,b"]


def _mutate(data: bytes, choices: list[int], values: list[str]) -> bytes:
    root = etree.fromstring(data)
    for index, choice in enumerate(choices):
        nodes = [n for n in root.iter() if isinstance(n.tag, str)]
        node = nodes[choice % len(nodes)]
        action = choice % 3
        if action == 0 and node.getparent() is not None:
            node.getparent().remove(node)
        elif action == 1 and node.attrib:
            keys = sorted(node.attrib)
            del node.attrib[keys[choice % len(keys)]]
        elif node.attrib:
            keys = sorted(node.attrib)
            node.set(keys[choice % len(keys)], values[index % len(values)])
    return etree.tostring(root)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    fixture=st.sampled_from(VALID),
    choices=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4),
    values=st.lists(st.sampled_from(ODD_VALUES), min_size=1, max_size=4),
)
def test_mutated_fixtures_parse_or_are_refused(
    fixture: Path, choices: list[int], values: list[str]
) -> None:
    data = _mutate(fixture.read_bytes(), choices, values)
    try:
        processes = parse_bpmn(data, fixture.name)
    except BpmnParseError as error:
        assert error.problems
        assert all(isinstance(p, str) and p for p in error.problems)
    else:
        for process in processes:
            for node in process.elements.values():
                assert process.element(node.id) is node
