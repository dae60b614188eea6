"""Every invalid diagram is refused with a message that names the element and the reason."""

from __future__ import annotations

import pytest

from engine.model import BpmnParseError, parse_bpmn
from engine.model.expressions import feel_checking_available

from .conftest import FIXTURES, INVALID, refusal

# (fixture, element id named in the message, fragment of the reason)
CASES = [
    ("unsupported-complex-gateway.bpmn", "complex", "of type 'complexGateway' is not supported"),
    ("unsupported-transaction.bpmn", "tx", "of type 'transaction' is not supported"),
    ("service-task-without-task-definition.bpmn", "Task_1", "'zeebe:taskDefinition'"),
    ("service-task-empty-type.bpmn", "Task_1", "type must be present and not empty"),
    ("flow-to-unknown-node.bpmn", "flow_ghost", "target 'ghost' is not a flow node"),
    ("exclusive-gateway-missing-condition.bpmn", "f_b", "must have a condition"),
    ("default-flow-not-from-gateway.bpmn", "split", "default flow 'f1' must be an outgoing flow"),
    ("event-based-gateway-to-task.bpmn", "wait", "'task' is a service task"),
    ("event-based-gateway-single-flow.bpmn", "wait", "at least 2 outgoing sequence flows"),
    ("message-catch-without-correlation-key.bpmn", "catch", "zeebe:subscription"),
    ("correlation-key-static.bpmn", "msg", "expected an expression but found static value"),
    ("message-without-name.bpmn", "msg_nameless", "message name must be present"),
    ("no-start-event.bpmn", "no_start", "must have at least one start event"),
    ("two-none-start-events.bpmn", "two_starts", "multiple none start events"),
    ("interrupting-timer-cycle-boundary.bpmn", "cycle_boundary", "interrupting timer event"),
    ("intermediate-timer-cycle.bpmn", "wait", "time duration or a time date"),
    ("timer-start-duration.bpmn", "timer_start", "must have a timeDate or a timeCycle"),
    ("invalid-timer-duration.bpmn", "wait", "'PT10' is not an ISO 8601 duration"),
    ("invalid-cron.bpmn", "cron_start", "not a valid cron expression"),
    ("timer-date-without-zone.bpmn", "date_start", "has no time zone"),
    ("timer-two-definitions.bpmn", "double_timer", "exactly one type of timer"),
    (
        "timer-start-feel-needs-variables.bpmn",
        "feel_timer_start",
        "invalid timer timeCycle expression '=cycleExpression' of a start event: null",
    ),
    ("condition-not-feel.bpmn", "f_static", "an expression must start with '='"),
    ("condition-on-task-flow.bpmn", "f_cond", "only supported at exclusive or inclusive"),
    ("escalation-end-event.bpmn", "escalate", "escalation events are not supported"),
    ("compensation-boundary.bpmn", "compensate", "compensation events are not supported"),
    ("conditional-start.bpmn", "cond_start", "conditional events are not supported"),
    ("error-end-without-error-ref.bpmn", "fail", "must reference an error"),
    ("error-without-code.bpmn", "fail", "errorCode must be present"),
    ("error-catch-with-expression-code.bpmn", "catch_expr", "not allowed to be an expression"),
    ("non-interrupting-error-boundary.bpmn", "soft_error", "non-interrupting error events"),
    ("duplicate-error-boundaries.bpmn", "task", "same error code 'E'"),
    ("subprocess-without-start.bpmn", "sub", "exactly one start event"),
    ("subprocess-message-start.bpmn", "sub_msg_start", "must be of type none"),
    ("event-subprocess-none-start.bpmn", "esp_none_start", "message, timer, error or signal"),
    ("duplicate-ids.bpmn", "same", "used by more than one element"),
    ("call-activity-without-process-id.bpmn", "call", "processId must be present"),
    ("multi-instance-without-input-collection.bpmn", "each", "inputCollection must be present"),
    ("standard-loop.bpmn", "looping", "standard loop characteristics are not supported"),
    ("script-task-without-script.bpmn", "script", "'zeebe:script' or one 'zeebe:taskDefinition'"),
    ("business-rule-without-decision-or-job.bpmn", "rules", "'zeebe:calledDecision'"),
    ("receive-task-unknown-message.bpmn", "receive", "unknown message 'nowhere'"),
    ("boundary-attached-to-unknown.bpmn", "orphan", "attached to 'ghost_task'"),
    ("link-throw-without-catch.bpmn", "jump", "throw link event named 'nowhere'"),
    ("flow-crossing-scopes.bpmn", "f_into_sub", "different scopes"),
    ("execution-listeners.bpmn", "listened", "execution listeners are not supported"),
    ("message-throw-without-job.bpmn", "send_msg", "'zeebe:taskDefinition'"),
    ("output-mapping-static-source.bpmn", "mapped", "zeebe:output source for 'out'"),
    ("duplicate-message-start-names.bpmn", "dup_msg_starts", "same name 'same-name'"),
]


@pytest.mark.parametrize(("fixture", "element_id", "reason"), CASES, ids=[c[0] for c in CASES])
def test_invalid_diagram_is_refused_naming_the_element(
    fixture: str, element_id: str, reason: str
) -> None:
    error = refusal(fixture)
    matching = [p for p in error.problems if p.startswith(f"Element '{element_id}'")]
    assert matching, error.problems
    assert any(reason in p for p in matching), error.problems
    assert f"Element '{element_id}'" in str(error)
    assert fixture in str(error)  # the resource is named too


def test_every_invalid_fixture_is_covered() -> None:
    covered = {c[0] for c in CASES} | {
        "billion-laughs.bpmn",
        "external-entity.bpmn",
        "malformed.bpmn",
        "not-bpmn.bpmn",
        "no-executable-process.bpmn",
        "feel-syntax-error.bpmn",
    }
    on_disk = {p.name for p in INVALID.glob("*.bpmn")}
    assert on_disk == covered


def test_a_refused_element_is_reported_once_not_again_through_its_flows() -> None:
    error = refusal("unsupported-complex-gateway.bpmn")
    assert error.problems == ("Element 'complex' of type 'complexGateway' is not supported",)


def test_several_problems_are_reported_together() -> None:
    xml = (FIXTURES / "service-task.bpmn").read_bytes()
    xml = xml.replace(b'type="police.notify"', b'type=""')
    xml = xml.replace(b'<bpmn:endEvent id="end" />', b'<bpmn:complexGateway id="end" />')
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(xml, "two-problems.bpmn")
    assert len(caught.value.problems) == 2
    assert "(2 problems)" in str(caught.value)


def test_file_without_executable_process_is_refused() -> None:
    error = refusal("no-executable-process.bpmn")
    assert "must contain at least one executable process" in str(error)


def test_retries_must_be_a_number_when_static() -> None:
    xml = (FIXTURES / "service-task.bpmn").read_bytes().replace(b'retries="5"', b'retries="five"')
    with pytest.raises(BpmnParseError, match=r"Element 'task': .*retries must be a non-negative"):
        parse_bpmn(xml, "bad-retries.bpmn")


def test_candidate_groups_must_be_a_comma_separated_list() -> None:
    xml = (FIXTURES / "user-task.bpmn").read_bytes().replace(b"civil-affairs, hotline", b"a,,b")
    with pytest.raises(BpmnParseError, match="Element 'review': candidateGroups must be a list"):
        parse_bpmn(xml, "bad-groups.bpmn")


def test_embedded_form_reference_must_resolve() -> None:
    xml = (
        (FIXTURES / "user-task.bpmn")
        .read_bytes()
        .replace(b"bpmn:UserTaskForm_review", b"bpmn:UserTaskForm_missing")
    )
    with pytest.raises(BpmnParseError, match=r"Element 'review': formKey .* embedded form"):
        parse_bpmn(xml, "bad-form.bpmn")


def test_multiple_instance_output_needs_both_collection_and_element() -> None:
    xml = (FIXTURES / "multi-instance.bpmn").read_bytes().replace(b' outputElement="=receipt"', b"")
    with pytest.raises(BpmnParseError, match=r"Element 'notify_each': .*set together"):
        parse_bpmn(xml, "bad-mi.bpmn")


def test_feel_syntax_errors_are_refused_at_deployment() -> None:
    assert feel_checking_available()
    error = refusal("feel-syntax-error.bpmn")
    assert any(
        p.startswith("Element 'f_broken': condition expression is not a valid FEEL expression")
        for p in error.problems
    ), error.problems


def test_feel_syntax_is_checked_in_extension_attributes_too() -> None:
    xml = (
        (FIXTURES / "service-task.bpmn")
        .read_bytes()
        .replace(b'source="=case.deceased.idNumber"', b'source="=case.(("')
    )
    with pytest.raises(
        BpmnParseError,
        match="Element 'task': zeebe:input source for 'idNumber' is not a valid FEEL",
    ):
        parse_bpmn(xml, "bad-input.bpmn")


def test_feel_message_name_of_a_start_event_is_evaluated_at_deployment() -> None:
    xml = (
        (FIXTURES / "message-start.bpmn")
        .read_bytes()
        .replace(b'name="death-reported"', b'name="=&quot;death-&quot; + &quot;reported&quot;"')
    )
    (process,) = parse_bpmn(xml, "feel-start-name.bpmn")
    start = process.element("start")
    assert start.event_definition.name.static_value == "death-reported"  # type: ignore[attr-defined]


def test_feel_message_name_of_a_start_event_cannot_use_variables() -> None:
    xml = (
        (FIXTURES / "message-start.bpmn")
        .read_bytes()
        .replace(b'name="death-reported"', b'name="=caseType"')
    )
    with pytest.raises(BpmnParseError, match="Element 'start': the message name '=caseType'"):
        parse_bpmn(xml, "var-start-name.bpmn")


@pytest.mark.parametrize(
    ("attributes", "reason"),
    [
        (
            b'bindingType="sometimes"',
            "bindingType 'sometimes' of zeebe:calledElement must be one of",
        ),
        (b'bindingType="versionTag"', "with bindingType 'versionTag' needs a versionTag"),
        (b'versionTag="v1"', "versionTag is only allowed with bindingType 'versionTag'"),
    ],
)
def test_binding_type_rules(attributes: bytes, reason: str) -> None:
    xml = (
        (FIXTURES / "call-activity.bpmn")
        .read_bytes()
        .replace(b'processId="none_start_end"', b'processId="none_start_end" ' + attributes)
    )
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(xml, "binding.bpmn")
    assert any(
        p.startswith("Element 'call_static'") and reason in p for p in caught.value.problems
    ), caught.value.problems


def test_feel_timer_of_a_start_event_must_give_a_valid_timer_at_deployment() -> None:
    xml = (FIXTURES / "timer-start-feel.bpmn").read_bytes()
    xml = xml.replace(b"&quot;PT10S&quot;", b"&quot;every day&quot;")
    with pytest.raises(BpmnParseError) as caught:
        parse_bpmn(xml, "bad-feel-timer.bpmn")
    (problem,) = caught.value.problems
    assert problem.startswith("Element 'start': invalid timer timeCycle expression")
    assert "'every day' is not an ISO 8601 duration" in problem
