"""BPMN XML → model. WORK IN PROGRESS: not implemented yet (see engine/model/__init__.py)."""

from __future__ import annotations

from engine.model.elements import Process


def parse(xml: bytes, resource_name: str) -> list[Process]:
    raise NotImplementedError("engine.model parser is being written")
