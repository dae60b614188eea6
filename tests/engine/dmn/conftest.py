"""Shared helpers: the DMN files under ``resources/`` and a wrapper for small inline models."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.dmn import DecisionRequirementsGraph, parse_dmn

RESOURCES = Path(__file__).parent / "resources"
AFFAIRS = Path(__file__).parents[3] / "bpmn" / "affairs.dmn"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def load(name: str) -> DecisionRequirementsGraph:
    """Parse ``resources/<name>`` the way the runtime would on deployment."""
    return parse_dmn((RESOURCES / name).read_bytes(), name)


def definitions(body: str, *, ns: str = DMN13, drg_id: str = "drg") -> bytes:
    """A minimal DMN document around ``body`` (decisions), for error cases too small for a file."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<definitions xmlns="{ns}" id="{drg_id}" name="Test" namespace="http://test">'
        f"{body}</definitions>"
    ).encode()


def literal(decision_id: str, expression: str, *, requires: tuple[str, ...] = ()) -> str:
    requirements = "".join(
        f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>'
        for r in requires
    )
    return (
        f'<decision id="{decision_id}" name="{decision_id}">{requirements}'
        f"<literalExpression><text>{expression}</text></literalExpression></decision>"
    )


@pytest.fixture(scope="session")
def hit_policies() -> DecisionRequirementsGraph:
    return load("hit-policies.dmn")


@pytest.fixture(scope="session")
def unary_tests() -> DecisionRequirementsGraph:
    return load("unary-tests.dmn")


@pytest.fixture(scope="session")
def required_decisions() -> DecisionRequirementsGraph:
    return load("required-decisions.dmn")


@pytest.fixture(scope="session")
def affairs() -> DecisionRequirementsGraph:
    return parse_dmn(AFFAIRS.read_bytes(), "affairs.dmn")
