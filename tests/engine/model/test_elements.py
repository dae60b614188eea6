"""The model types themselves: expressions and the process's lookups."""

from __future__ import annotations

import dataclasses

import pytest

from engine.model import Expression
from engine.model.elements import (
    BoundaryEvent,
    ElementType,
    EndEvent,
    ServiceTask,
    StartEvent,
    SubProcess,
)

from .conftest import load


class TestExpression:
    def test_equals_prefix_means_feel(self) -> None:
        expr = Expression.parse("=amount > 10")
        assert expr.is_feel
        assert expr.source == "amount > 10"
        assert expr.static_value is None
        assert str(expr) == "=amount > 10"

    def test_blank_around_equals_is_tolerated(self) -> None:
        assert Expression.parse("  = x ") == Expression.feel("x")

    def test_anything_else_is_static_and_kept_verbatim(self) -> None:
        expr = Expression.parse(" police.notify")
        assert not expr.is_feel
        assert expr.static_value == " police.notify"

    def test_is_immutable(self) -> None:
        expr = Expression.static("a")
        with pytest.raises(dataclasses.FrozenInstanceError):
            expr.source = "b"  # type: ignore[misc]


class TestProcessLookups:
    def test_element_lookup_and_graph(self) -> None:
        process = load("none-start-end.bpmn")
        start = process.element("start")
        assert isinstance(start, StartEvent)
        assert start.name == "Start"
        assert start.outgoing == ("flow_1",)
        assert process.flow("flow_1").target_id == "end"
        assert [f.target_id for f in process.outgoing_flows("start")] == ["end"]
        assert [f.source_id for f in process.incoming_flows("end")] == ["start"]
        assert isinstance(process.element("end"), EndEvent)

    def test_unknown_element_names_the_id(self) -> None:
        process = load("none-start-end.bpmn")
        with pytest.raises(KeyError, match="no element 'nope'"):
            process.element("nope")
        with pytest.raises(KeyError, match="no sequence flow 'nope'"):
            process.flow("nope")

    def test_process_attributes(self) -> None:
        process = load("none-start-end.bpmn")
        assert process.id == "none_start_end"
        assert process.name == "None start to none end"
        assert process.is_executable
        assert process.documentation == "The smallest executable process."
        assert process.resource_name == "none-start-end.bpmn"
        assert process.start_event_id == "start"
        assert process.element_type is ElementType.PROCESS

    def test_flow_scopes_and_children(self) -> None:
        process = load("subprocess.bpmn")
        assert process.element("sub").flow_scope_id == "subprocess"
        assert process.element("inner").flow_scope_id == "sub"
        assert process.element("inner_task").flow_scope_id == "inner"
        assert process.flow("if1").flow_scope_id == "inner"
        assert [n.id for n in process.children("subprocess")] == ["start", "sub", "end"]
        assert [n.id for n in process.children("sub")] == ["sub_start", "inner", "sub_end"]
        sub = process.scope_of("inner")
        assert isinstance(sub, SubProcess) and sub.id == "sub"
        assert process.scope_of("sub") is process

    def test_boundary_events_by_host(self) -> None:
        process = load("boundary-timer.bpmn")
        assert [b.id for b in process.boundary_events("task")] == ["timeout", "reminder"]
        assert all(isinstance(b, BoundaryEvent) for b in process.boundary_events("task"))
        assert process.boundary_events("remind") == ()
        assert process.boundary_events("start") == ()

    def test_nodes_are_frozen(self) -> None:
        task = load("service-task.bpmn").element("task")
        assert isinstance(task, ServiceTask)
        with pytest.raises(dataclasses.FrozenInstanceError):
            task.name = "other"  # type: ignore[misc]
        with pytest.raises(TypeError):
            load("service-task.bpmn").elements["x"] = task  # type: ignore[index]
