"""Start, end, intermediate and boundary events with their definitions."""

from __future__ import annotations

import pytest

from engine.model import Expression
from engine.model.elements import (
    BoundaryEvent,
    EndEvent,
    ErrorEventDefinition,
    EventKind,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    LinkEventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
    StartEvent,
    TimerEventDefinition,
    TimerKind,
)

from .conftest import load


@pytest.mark.parametrize(
    ("fixture", "kind", "expression"),
    [
        ("timer-start-date.bpmn", TimerKind.DATE, Expression.static("2026-01-01T09:00:00+08:00")),
        ("timer-start-cycle.bpmn", TimerKind.CYCLE, Expression.static("R5/PT10S")),
        (
            "timer-start-cycle-with-start.bpmn",
            TimerKind.CYCLE,
            Expression.static("R/2026-01-01T00:00:00Z/P1D"),
        ),
        ("timer-start-cron.bpmn", TimerKind.CYCLE, Expression.static("0 0 2 10 * ?")),
        (
            "timer-start-feel.bpmn",
            TimerKind.CYCLE,
            Expression.feel('string join(["R3", "PT10S"], "/")'),
        ),
    ],
)
def test_timer_start_events(fixture: str, kind: TimerKind, expression: Expression) -> None:
    process = load(fixture)
    start = process.element("start")
    assert isinstance(start, StartEvent)
    assert start.event_kind is EventKind.TIMER
    assert start.event_definition == TimerEventDefinition(timer_kind=kind, expression=expression)
    assert process.start_event_ids == ("start",)
    assert process.start_event_id is None  # no none start event


def test_message_start_event_has_a_name_and_no_correlation_key() -> None:
    process = load("message-start.bpmn")
    start = process.element("start")
    assert isinstance(start, StartEvent)
    assert start.event_definition == MessageEventDefinition(
        message_id="msg_death_reported", name=Expression.static("death-reported")
    )
    assert [s.id for s in process.start_events()] == ["start"]


def test_signal_start_catch_throw_and_end() -> None:
    process = load("signal-events.bpmn")
    start = process.element("start")
    assert isinstance(start, StartEvent)
    assert start.event_definition == SignalEventDefinition(
        signal_id="sig_policy", name=Expression.static("policy-changed")
    )
    catch = process.element("catch")
    assert isinstance(catch, IntermediateCatchEvent) and catch.event_kind is EventKind.SIGNAL
    throw = process.element("throw")
    assert isinstance(throw, IntermediateThrowEvent)
    assert throw.event_definition == SignalEventDefinition(
        signal_id="sig_audit", name=Expression.feel("auditSignalName")
    )
    end = process.element("end")
    assert isinstance(end, EndEvent) and end.event_kind is EventKind.SIGNAL


def test_intermediate_timer_catch_duration_and_feel_date() -> None:
    process = load("intermediate-timer-catch.bpmn")
    by_duration = process.element("wait_duration")
    assert isinstance(by_duration, IntermediateCatchEvent)
    assert by_duration.event_definition == TimerEventDefinition(
        timer_kind=TimerKind.DURATION, expression=Expression.static("P15D")
    )
    by_date = process.element("wait_date")
    assert isinstance(by_date, IntermediateCatchEvent)
    assert by_date.event_definition == TimerEventDefinition(
        timer_kind=TimerKind.DATE, expression=Expression.feel("deadline")
    )


def test_intermediate_message_catch_feel_name_and_output_mapping() -> None:
    paid = load("intermediate-message-catch.bpmn").element("paid")
    assert isinstance(paid, IntermediateCatchEvent)
    assert paid.event_definition == MessageEventDefinition(
        message_id="msg_paid",
        name=Expression.feel('"payment-" + channel'),
        correlation_key=Expression.feel("orderId"),
    )
    assert paid.output_mappings[0].target == "paidAmount"


def test_none_throw_passes_and_message_throw_and_end_are_jobs() -> None:
    process = load("intermediate-throw.bpmn")
    milestone = process.element("milestone")
    assert isinstance(milestone, IntermediateThrowEvent)
    assert milestone.event_kind is EventKind.NONE and milestone.job is None
    notify = process.element("notify")
    assert isinstance(notify, IntermediateThrowEvent)
    assert notify.event_kind is EventKind.MESSAGE
    assert notify.job is not None
    assert notify.job.type.source == "family.notify" and notify.job.retries.source == "1"
    end = process.element("end")
    assert isinstance(end, EndEvent)
    assert end.event_kind is EventKind.MESSAGE  # no messageRef needed when a worker sends it
    assert end.job is not None and end.job.type.source == "family.report-closed"


def test_error_end_boundary_and_catch_all() -> None:
    process = load("error-events.bpmn")
    throw = process.element("sub_end_error")
    assert isinstance(throw, EndEvent)
    assert throw.event_definition == ErrorEventDefinition(
        error_id="err_rejected", error_code=Expression.static("REJECTED")
    )
    dynamic = process.element("end_dynamic")
    assert isinstance(dynamic, EndEvent)
    assert dynamic.event_definition == ErrorEventDefinition(
        error_id="err_dynamic", error_code=Expression.feel("errorCode")
    )
    catch = process.element("catch_rejected")
    assert isinstance(catch, BoundaryEvent)
    assert catch.attached_to_id == "sub" and catch.cancel_activity
    catch_all = process.element("catch_all")
    assert isinstance(catch_all, BoundaryEvent)
    assert catch_all.event_definition == ErrorEventDefinition(error_id=None, error_code=None)
    assert process.element("sub").boundary_event_ids == (  # type: ignore[attr-defined]
        "catch_rejected",
        "catch_all",
    )


def test_terminate_end_event() -> None:
    end = load("terminate-end.bpmn").element("terminate")
    assert isinstance(end, EndEvent)
    assert end.event_kind is EventKind.TERMINATE


def test_timer_boundaries_interrupting_and_cycling() -> None:
    process = load("boundary-timer.bpmn")
    timeout = process.element("timeout")
    assert isinstance(timeout, BoundaryEvent)
    assert timeout.cancel_activity
    assert timeout.event_definition == TimerEventDefinition(
        timer_kind=TimerKind.DURATION, expression=Expression.static("P15D")
    )
    reminder = process.element("reminder")
    assert isinstance(reminder, BoundaryEvent)
    assert not reminder.cancel_activity
    assert reminder.event_definition == TimerEventDefinition(
        timer_kind=TimerKind.CYCLE, expression=Expression.static("R/P1D")
    )
    assert reminder.flow_scope_id == "boundary_timer"
    assert reminder.incoming == () and reminder.outgoing == ("f4",)


def test_message_boundaries() -> None:
    process = load("boundary-message.bpmn")
    cancelled = process.element("cancelled")
    updated = process.element("updated")
    assert isinstance(cancelled, BoundaryEvent) and isinstance(updated, BoundaryEvent)
    assert cancelled.cancel_activity and not updated.cancel_activity
    assert isinstance(updated.event_definition, MessageEventDefinition)
    assert updated.event_definition.correlation_key == Expression.feel("caseId")


def test_link_events_pair_by_name() -> None:
    process = load("link-events.bpmn")
    throw = process.element("go_to_b")
    catch = process.element("from_a")
    assert isinstance(throw, IntermediateThrowEvent)
    assert isinstance(catch, IntermediateCatchEvent)
    assert throw.event_definition == LinkEventDefinition(name="B")
    assert catch.event_definition == LinkEventDefinition(name="B")
    assert catch.incoming == ()
