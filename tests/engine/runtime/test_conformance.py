"""Points of Zeebe's semantics the other files do not pin down on their own: the nearest error
catch, correlation keys fixed on entering, job-based send/script tasks, none throw events,
non-interrupting message boundaries, timers on elements with incidents, refused elements."""

from __future__ import annotations

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, io, message, service, start, timer
from tests.engine.runtime.conftest import one_job, rows, wait_until
from tests.engine.runtime.test_scopes import _mi

ERRORS = '<bpmn:error id="E1" errorCode="REJECTED" /><bpmn:error id="E2" errorCode="OTHER" />'


def _nested_catches() -> bytes:
    inner = (
        start("s2")
        + service("task", "work")
        + end("e2")
        + chain("s2", "task", "e2")
        + '<bpmn:boundaryEvent id="inner" attachedToRef="task">'
        '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>'
        + service("h_inner", "h_inner")
        + end("ei")
        + chain("inner", "h_inner", "ei")
    )
    return bpmn(
        "p",
        start(),
        f'<bpmn:subProcess id="sub">{inner}</bpmn:subProcess>',
        '<bpmn:boundaryEvent id="outer" attachedToRef="sub">'
        '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>',
        '<bpmn:boundaryEvent id="outer_other" attachedToRef="sub">'
        '<bpmn:errorEventDefinition errorRef="E2" /></bpmn:boundaryEvent>',
        service("h_outer", "h_outer"),
        service("h_other", "h_other"),
        service("after", "after"),
        end(),
        end("eo"),
        end("eo2"),
        chain("start", "sub", "after", "end"),
        chain("outer", "h_outer", "eo"),
        chain("outer_other", "h_other", "eo2"),
        extra=ERRORS,
    )


async def test_throw_error_goes_to_the_nearest_matching_catch(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _nested_catches())])
    a = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.throw_error(job.key, "REJECTED", "no record", {"why": "gone"})
    handler = await one_job(engine, "h_inner")
    assert handler.process_instance_key == a.process_instance_key
    assert handler.variables["why"] == "gone"
    # the inner catch is on the task: the subprocess goes on, its outer catch is not taken
    assert (
        await engine.activate_jobs(job_type="h_outer", worker="w", timeout_ms=1, max_jobs=1) == []
    )
    [(sub_state,)] = await rows(
        engine,
        "SELECT state FROM element_instance WHERE element_id = 'sub' AND process_instance_key = ?",
        a.process_instance_key,
    )
    assert sub_state == "ACTIVE"

    # a code only the subprocess catches leaves the task's catch alone and ends the subprocess
    b = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.throw_error(job.key, "OTHER")
    assert (await one_job(engine, "h_other")).process_instance_key == b.process_instance_key
    [(sub_state,)] = await rows(
        engine,
        "SELECT state FROM element_instance WHERE element_id = 'sub' AND process_instance_key = ?",
        b.process_instance_key,
    )
    assert sub_state == "TERMINATED"
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []


def _catch_message() -> bytes:
    return bpmn(
        "p",
        start(),
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        service("after", "after"),
        end(),
        chain("start", "wait", "after", "end"),
        extra=message("M", "reply", "=caseId"),
    )


async def test_correlation_key_is_fixed_when_the_element_is_entered(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch_message())])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.set_variables(created.process_instance_key, {"caseId": "B"})
    await engine.publish_message(name="reply", correlation_key="B", time_to_live_ms=0)
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    assert (await one_job(engine, "after")).process_instance_key == created.process_instance_key


async def test_send_and_script_tasks_are_jobs_and_a_none_throw_event_passes(
    engine: Engine,
) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:sendTask id="send"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="=&quot;send.&quot; + channel" retries="=tries" />'
        "</bpmn:extensionElements></bpmn:sendTask>",
        '<bpmn:scriptTask id="script"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="run-script" retries="7" />'
        "</bpmn:extensionElements></bpmn:scriptTask>",
        '<bpmn:intermediateThrowEvent id="milestone" />',
        end(),
        chain("start", "send", "script", "milestone", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(
        bpmn_process_id="p", variables={"channel": "sms", "tries": 2}
    )
    send = await one_job(engine, "send.sms")
    assert send.retries == 2 and send.element_id == "send"
    await engine.complete_job(send.key)
    script = await one_job(engine, "run-script")
    assert script.retries == 7 and script.element_id == "script"
    await engine.complete_job(script.key)
    assert await rows(
        engine,
        "SELECT element_id, state FROM element_instance WHERE element_id = 'milestone' "
        "AND process_instance_key = ?",
        created.process_instance_key,
    ) == [("milestone", "COMPLETED")]
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("COMPLETED",)]


async def test_non_interrupting_message_boundary_keeps_the_task(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="nudge" attachedToRef="task" cancelActivity="false">'
        '<bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>',
        service("remind", "remind"),
        end("e2"),
        chain("start", "task", "end"),
        chain("nudge", "remind", "e2"),
        extra=message("M", "nudge", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "K"})
    job = await one_job(engine, "work")
    await engine.publish_message(name="nudge", correlation_key="K", time_to_live_ms=0)
    remind = await one_job(engine, "remind")
    await engine.complete_job(remind.key)
    await engine.complete_job(job.key)  # the task was not interrupted


def _task_with_boundary_timer(output: dict[str, str] | None = None) -> bytes:
    return bpmn(
        "p",
        start(),
        service("task", "work", ext=io(outputs=output)),
        end(),
        '<bpmn:boundaryEvent id="late" attachedToRef="task">'
        f"{timer('timeDuration', 'PT1H')}</bpmn:boundaryEvent>",
        service("escalate", "escalate"),
        end("e2"),
        chain("start", "task", "end"),
        chain("late", "escalate", "e2"),
    )


async def test_boundary_timer_fires_while_the_task_has_a_job_incident(engine: Engine) -> None:
    # as Zeebe: the task is still active while its job has no retries, so the timer interrupts it
    await engine.deploy([("p.bpmn", _task_with_boundary_timer())])
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=0, error_message="down")
    assert len(await engine.inspect(lambda m: list(m.s.incidents))) == 1
    engine.clock.add(3_600_000)
    await wait_until(engine, lambda m: m.s.activatable.get("escalate"))
    assert await engine.inspect(lambda m: list(m.s.incidents)) == []
    assert await rows(engine, "SELECT state FROM incident") == [("RESOLVED",)]


async def test_boundary_timer_due_while_the_task_completes_with_an_incident_is_not_taken(
    engine: Engine,
) -> None:
    # as Zeebe: an element completing (output mapping failed) is not active; its timer cannot
    # trigger, and once the incident is resolved the element completes normally
    await engine.deploy(
        [("p.bpmn", _task_with_boundary_timer({"receipt": "=assert(r, r != null)"}))]
    )
    created = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.complete_job(job.key, {"x": 1})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "IO_MAPPING_ERROR" and "'task'" in inc.message
    engine.clock.add(3_600_000)
    await engine.inspect(lambda m: None)  # whatever is due has run
    assert (
        await engine.activate_jobs(job_type="escalate", worker="w", timeout_ms=1, max_jobs=1) == []
    )
    await engine.set_variables(created.process_instance_key, {"r": "R-1"})
    await engine.resolve_incident(inc.key)
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("COMPLETED",)]
    assert await engine.inspect(lambda m: list(m.s.timers)) == []


async def test_an_unsupported_element_is_refused_naming_it_and_the_reason(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:complexGateway id="cg" />',
        end(),
        flow("start", "cg"),
        flow("cg", "end"),
    )
    with pytest.raises(EngineError) as err:
        await engine.deploy([("p.bpmn", xml)])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    assert "'cg'" in err.value.message and "not supported" in err.value.message
    assert await engine.inspect(lambda m: list(m.s.definitions.by_key)) == []


async def test_multi_instance_output_element_variable_stays_in_the_inner_instance(
    engine: Engine,
) -> None:
    # as Zeebe: the variable the outputElement names is created local to each inner instance, so
    # a worker's result does not leak into (or race through) the process scope
    await engine.deploy([("p.bpmn", _mi(sequential=False))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": ["a", "b"]})
    jobs = await engine.activate_jobs(job_type="each", worker="w", timeout_ms=10_000, max_jobs=10)
    assert all(j.variables["done"] is None for j in jobs)
    for job in jobs:
        await engine.complete_job(job.key, {"done": job.variables["item"] * 2, "seen": True})
    after = await one_job(engine, "after")
    assert after.variables == {"items": ["a", "b"], "results": ["aa", "bb"], "seen": True}
