"""Gateways, subprocesses, event subprocesses, call activities, multi-instance, several
processes per file."""

from __future__ import annotations

from engine.model import Expression, parse_bpmn
from engine.model.elements import (
    CallActivity,
    EventBasedGateway,
    EventSubProcess,
    ExclusiveGateway,
    InclusiveGateway,
    ParallelGateway,
    ServiceTask,
    StartEvent,
    SubProcess,
)

from .conftest import FIXTURES, load


def test_exclusive_gateway_conditions_and_default() -> None:
    process = load("exclusive-gateway.bpmn")
    split = process.element("split")
    assert isinstance(split, ExclusiveGateway)
    assert split.name == "Amount?"
    assert split.default_flow_id == "f_default"
    assert split.outgoing == ("f_high", "f_low", "f_default")
    high = process.flow("f_high")
    assert high.condition == Expression.feel("amount > 1000")
    assert high.name == "high" and not high.is_default
    assert process.flow("f_low").condition == Expression.feel("amount <= 10")
    default = process.flow("f_default")
    assert default.is_default and default.condition is None
    join = process.element("join")
    assert isinstance(join, ExclusiveGateway) and join.default_flow_id is None


def test_parallel_gateway_fork_and_join() -> None:
    process = load("parallel-gateway.bpmn")
    fork, join = process.element("fork"), process.element("join")
    assert isinstance(fork, ParallelGateway) and isinstance(join, ParallelGateway)
    assert fork.outgoing == ("f_a", "f_b")
    assert join.incoming == ("f_a2", "f_b2")


def test_inclusive_gateway_fork_and_join() -> None:
    process = load("inclusive-gateway.bpmn")
    fork = process.element("fork")
    assert isinstance(fork, InclusiveGateway)
    assert fork.default_flow_id == "f_none"
    assert process.flow("f_pension").condition == Expression.feel("hasPension")
    join = process.element("join")
    assert isinstance(join, InclusiveGateway) and len(join.incoming) == 3


def test_event_based_gateway_targets() -> None:
    process = load("event-based-gateway.bpmn")
    gateway = process.element("wait")
    assert isinstance(gateway, EventBasedGateway)
    assert [process.flow(f).target_id for f in gateway.outgoing] == ["reply", "timeout"]


def test_embedded_subprocess_is_a_scope_with_its_own_start() -> None:
    process = load("subprocess.bpmn")
    sub = process.element("sub")
    assert isinstance(sub, SubProcess)
    assert sub.start_event_id == "sub_start"
    assert sub.child_ids == ("sub_start", "inner", "sub_end")
    assert sub.input_mappings[0].target == "caseId"
    inner = process.element("inner")
    assert isinstance(inner, SubProcess) and inner.start_event_id == "inner_start"
    assert process.start_event_ids == ("start",)  # nested starts are not process starts


def test_event_subprocess_with_interrupting_message_start() -> None:
    process = load("event-subprocess-message.bpmn")
    assert process.event_subprocess_ids == ("withdrawn",)
    esp = process.element("withdrawn")
    assert isinstance(esp, EventSubProcess)
    assert esp.interrupting
    assert esp.start_event_id == "withdrawn_start"
    start = process.element("withdrawn_start")
    assert isinstance(start, StartEvent)
    assert start.flow_scope_id == "withdrawn"
    # an event subprocess message start keeps its correlation key (it correlates per instance)
    assert start.event_definition.correlation_key == Expression.feel("caseId")  # type: ignore[union-attr]
    assert [e.id for e in process.event_subprocesses(process.id)] == ["withdrawn"]
    assert process.start_event_ids == ("start",)


def test_event_subprocess_non_interrupting_timer_cycle() -> None:
    process = load("event-subprocess-timer.bpmn")
    esp = process.element("reminders")
    assert isinstance(esp, EventSubProcess)
    assert not esp.interrupting
    start = process.element("reminders_start")
    assert isinstance(start, StartEvent) and not start.interrupting


def test_event_subprocess_error_start() -> None:
    process = load("event-subprocess-error.bpmn")
    start = process.element("on_invalid_start")
    assert isinstance(start, StartEvent)
    assert start.event_definition.error_code == Expression.static("INVALID_ID")  # type: ignore[union-attr]


def test_call_activity_called_element() -> None:
    process = load("call-activity.bpmn")
    static = process.element("call_static")
    assert isinstance(static, CallActivity)
    assert static.called_element.process_id == Expression.static("none_start_end")
    assert not static.called_element.propagate_all_child_variables
    assert static.called_element.propagate_all_parent_variables
    dynamic = process.element("call_dynamic")
    assert isinstance(dynamic, CallActivity)
    assert dynamic.called_element.process_id == Expression.feel("childProcessId")
    assert dynamic.called_element.propagate_all_child_variables
    assert not dynamic.called_element.propagate_all_parent_variables


def test_multi_instance_on_task_subprocess_and_call_activity() -> None:
    process = load("multi-instance.bpmn")
    task = process.element("notify_each")
    assert isinstance(task, ServiceTask)
    mi = task.multi_instance
    assert mi is not None and not mi.sequential
    assert mi.input_collection == Expression.feel("departments")
    assert mi.input_element == "department"
    assert mi.output_collection == "receipts"
    assert mi.output_element == Expression.feel("receipt")
    assert mi.completion_condition == Expression.feel("numberOfCompletedInstances >= 3")
    sub = process.element("sub_each")
    assert isinstance(sub, SubProcess)
    assert sub.multi_instance is not None and sub.multi_instance.sequential
    assert sub.multi_instance.output_collection is None
    call = process.element("call_each")
    assert isinstance(call, CallActivity)
    assert call.multi_instance is not None
    assert call.multi_instance.input_collection == Expression.feel("[1, 2, 3]")


def test_every_executable_process_of_a_file_is_returned_in_order() -> None:
    data = (FIXTURES / "multiple-processes.bpmn").read_bytes()
    processes = parse_bpmn(data, "multiple-processes.bpmn")
    assert [(p.id, p.name) for p in processes] == [
        ("first_process", "First"),
        ("second_process", "Second"),
    ]
    # each process only holds its own elements
    assert set(processes[0].elements) == {"first_start", "first_end"}


def test_lanes_data_objects_annotations_are_ignored() -> None:
    process = load("artifacts-ignored.bpmn")
    assert set(process.elements) == {"start", "end"}


def test_call_activity_binding_type() -> None:
    from engine.model.elements import BindingType

    process = load("call-activity.bpmn")
    static = process.element("call_static")
    assert isinstance(static, CallActivity)
    assert static.called_element.binding_type is BindingType.LATEST
    xml = (
        (FIXTURES / "call-activity.bpmn")
        .read_bytes()
        .replace(
            b'processId="none_start_end"',
            b'processId="none_start_end" bindingType="versionTag" versionTag="v1.2"',
        )
    )
    call = parse_bpmn(xml, "binding.bpmn")[0].element("call_static")
    assert isinstance(call, CallActivity)
    assert call.called_element.binding_type is BindingType.VERSION_TAG
    assert call.called_element.version_tag == "v1.2"


def test_process_version_tag() -> None:
    assert load("none-start-end.bpmn").version_tag is None
    xml = (
        (FIXTURES / "none-start-end.bpmn")
        .read_bytes()
        .replace(
            b"<bpmn:documentation>The smallest",
            b'<bpmn:extensionElements><zeebe:versionTag value="v2.1" /></bpmn:extensionElements>'
            b"<bpmn:documentation>The smallest",
        )
    )
    (process,) = parse_bpmn(xml, "tagged.bpmn")
    assert process.version_tag == "v2.1"
    assert process.documentation == "The smallest executable process."
