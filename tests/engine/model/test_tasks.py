"""Tasks and their Zeebe extensions, as a runtime would read them."""

from __future__ import annotations

import json

from engine.model import Expression
from engine.model.elements import (
    USER_TASK_JOB_TYPE,
    BusinessRuleTask,
    ElementType,
    ReceiveTask,
    ScriptTask,
    SendTask,
    ServiceTask,
    Task,
    UserTask,
    VariableMapping,
)

from .conftest import load


def test_service_task_job_headers_mappings_properties() -> None:
    task = load("service-task.bpmn").element("task")
    assert isinstance(task, ServiceTask)
    assert task.element_type is ElementType.SERVICE_TASK
    assert task.name == "Notify police"
    assert task.documentation == "Calls the police adapter."
    assert task.job is not None
    assert task.job.type == Expression.static("police.notify")
    assert task.job.retries == Expression.static("5")
    assert task.job.header_map == {"department": "police", "sla": "PT4H"}
    assert task.input_mappings == (
        VariableMapping(target="idNumber", source=Expression.feel("case.deceased.idNumber")),
        VariableMapping(target="note", source=Expression.static("static text")),
    )
    assert task.output_mappings == (
        VariableMapping(target="policeReceipt", source=Expression.feel("result.receipt")),
    )
    assert task.properties == (("owner", "civil-affairs"),)
    assert task.incoming == ("f1",) and task.outgoing == ("f2",)


def test_job_type_and_retries_may_be_feel_and_retries_default_to_three() -> None:
    task = load("service-task-feel.bpmn").element("task")
    assert task.job is not None
    assert task.job.type == Expression.feel('"notify." + department')
    assert task.job.retries == Expression.feel("maxRetries")
    send = load("send-task.bpmn").element("send")
    assert isinstance(send, SendTask)
    assert send.job is not None and send.job.retries == Expression.static("3")
    assert send.job.type.static_value == "sms.send"


def test_business_rule_task_called_decision_or_job() -> None:
    process = load("business-rule-task.bpmn")
    decide = process.element("decide")
    assert isinstance(decide, BusinessRuleTask)
    assert decide.job is None
    assert decide.called_decision is not None
    assert decide.called_decision.decision_id == Expression.static("benefits")
    assert decide.called_decision.result_variable == "benefits"
    by_worker = process.element("decide_by_worker")
    assert isinstance(by_worker, BusinessRuleTask)
    assert by_worker.called_decision is None
    assert by_worker.job is not None and by_worker.job.type.source == "rules.evaluate"


def test_script_task_feel_script_or_job() -> None:
    process = load("script-task.bpmn")
    compute = process.element("compute")
    assert isinstance(compute, ScriptTask)
    assert compute.job is None
    assert compute.script is not None
    assert compute.script.expression == Expression.feel('today() + duration("P15D")')
    assert compute.script.result_variable == "deadline"
    by_worker = process.element("script_by_worker")
    assert isinstance(by_worker, ScriptTask)
    assert by_worker.script is None and by_worker.job is not None


def test_receive_task_message_and_correlation_key() -> None:
    wait = load("receive-task.bpmn").element("wait")
    assert isinstance(wait, ReceiveTask)
    assert wait.message.message_id == "msg_certificate"
    assert wait.message.name == Expression.static("certificate-issued")
    assert wait.message.correlation_key == Expression.feel("caseId")
    assert wait.output_mappings[0].target == "case.certificateNo"
    assert wait.job is None


def test_user_task_is_a_job_with_zeebe_headers() -> None:
    review = load("user-task.bpmn").element("review")
    assert isinstance(review, UserTask)
    assert review.job is not None
    assert review.job.type == Expression.static(USER_TASK_JOB_TYPE)
    headers = review.job.header_map
    assert headers["screen"] == "review"
    assert headers["io.camunda.zeebe:assignee"] == "clerk1"
    assert json.loads(headers["io.camunda.zeebe:candidateGroups"]) == ["civil-affairs", "hotline"]
    assert headers["io.camunda.zeebe:formKey"] == "camunda-forms:bpmn:UserTaskForm_review"
    assert headers["io.camunda.zeebe:dueDate"] == "2026-03-02T15:35:00+08:00"
    # FEEL values are left to the runtime, which evaluates them when it creates the job.
    assert "io.camunda.zeebe:candidateUsers" not in headers
    assert "io.camunda.zeebe:followUpDate" not in headers
    assert review.assignment.candidate_users == Expression.feel("reviewers")
    assert review.schedule.follow_up_date == Expression.feel('now() + duration("P1D")')
    assert review.priority == Expression.static("70")
    assert review.form.embedded_form is not None
    assert json.loads(review.form.embedded_form)["components"][0]["key"] == "approved"
    assert not review.zeebe_user_task


def test_user_task_without_extensions_still_gets_its_job() -> None:
    wait = load("terminate-end.bpmn").element("wait")
    assert isinstance(wait, UserTask)
    assert wait.job is not None and wait.job.type.source == USER_TASK_JOB_TYPE
    assert wait.job.headers == ()


def test_manual_and_plain_tasks_pass_through() -> None:
    process = load("manual-and-plain-task.bpmn")
    plain, manual = process.element("plain"), process.element("manual")
    assert isinstance(plain, Task) and plain.element_type is ElementType.TASK
    assert isinstance(manual, Task) and manual.element_type is ElementType.MANUAL_TASK
    assert plain.job is None and manual.job is None
    assert manual.name == "Hand over urn"


def test_headers_without_key_or_value_are_ignored_like_zeebe() -> None:
    from engine.model import parse_bpmn

    from .conftest import FIXTURES

    xml = (
        (FIXTURES / "service-task.bpmn")
        .read_bytes()
        .replace(
            b'<zeebe:header key="sla" value="PT4H" />',
            b'<zeebe:header key="" value="x" /><zeebe:header key="empty" value="" />',
        )
    )
    task = parse_bpmn(xml, "headers.bpmn")[0].element("task")
    assert task.job is not None
    assert task.job.headers == (("department", "police"),)
