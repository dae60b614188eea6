"""Subprocesses, event subprocesses, call activities, multi-instance, error/terminate ends."""

from __future__ import annotations

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Engine
from tests.engine.runtime.bpmn import (
    bpmn,
    chain,
    definitions,
    end,
    flow,
    io,
    message,
    process,
    service,
    start,
    timer,
)
from tests.engine.runtime.conftest import one_job, rows, wait_until

ERR = '<bpmn:error id="E1" errorCode="REJECTED" />'


def _sub(inner: str, outer_extra: str = "", ext: str = "") -> str:
    return (
        f'<bpmn:subProcess id="sub"><bpmn:extensionElements>{ext}</bpmn:extensionElements>'
        f"{inner}</bpmn:subProcess>{outer_extra}"
    )


async def test_embedded_subprocess_with_local_variables(engine: Engine) -> None:
    inner = start("s2") + service("t", "inner") + end("e2") + chain("s2", "t", "e2")
    xml = bpmn(
        "p",
        start(),
        _sub(inner, ext=io({"local": "=x + 1"}, {"fromSub": "=local"})),
        service("after", "after"),
        end(),
        chain("start", "sub", "after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"x": 1})
    job = await one_job(engine, "inner")
    assert job.variables == {"x": 1, "local": 2}
    await engine.complete_job(job.key, {"local": 10})  # updates the subprocess' local variable
    after = await one_job(engine, "after")
    assert after.variables == {"x": 1, "fromSub": 10}


async def test_error_end_event_caught_by_subprocess_boundary(engine: Engine) -> None:
    inner = (
        start("s2")
        + end("fail", '<bpmn:errorEventDefinition errorRef="E1" />')
        + flow("s2", "fail")
    )
    xml = definitions(
        process(
            "p",
            start(),
            _sub(inner),
            end(),
            '<bpmn:boundaryEvent id="caught" attachedToRef="sub">'
            '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>',
            service("handle", "handle"),
            end("e2"),
            chain("start", "sub", "end"),
            chain("caught", "handle", "e2"),
        ),
        extra="",
    ).replace(b"</bpmn:definitions>", ERR.encode() + b"</bpmn:definitions>")
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "handle")


async def test_unhandled_error_end_event_is_incident(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        end("fail", '<bpmn:errorEventDefinition errorRef="E1" />'),
        flow("start", "fail"),
    ).replace(b"</bpmn:definitions>", ERR.encode() + b"</bpmn:definitions>")
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "UNHANDLED_ERROR_EVENT" and "REJECTED" in inc.message


def _esp(start_inner: str, interrupting: bool, extra_defs: str = "") -> bytes:
    inter = "true" if interrupting else "false"
    esp = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        f'<bpmn:startEvent id="es" isInterrupting="{inter}">{start_inner}</bpmn:startEvent>'
        + service("h", "handler")
        + end("ee")
        + chain("es", "h", "ee")
        + "</bpmn:subProcess>"
    )
    return bpmn(
        "p",
        start(),
        service("main", "main"),
        end(),
        chain("start", "main", "end"),
        esp,
        extra=extra_defs,
    )


async def test_interrupting_timer_event_subprocess(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _esp(timer("timeDuration", "PT1H"), True))])
    created = await engine.create_process_instance(bpmn_process_id="p")
    main = await one_job(engine, "main", timeout_ms=10 * 3_600_000)
    engine.clock.add(3_600_000)
    handler = await wait_until(engine, lambda m: list(m.s.activatable.get("handler", {})))
    assert handler
    assert not await engine.inspect(lambda m: main.key in m.s.jobs)
    h = await one_job(engine, "handler")
    await engine.complete_job(h.key)
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("COMPLETED",)]


async def test_non_interrupting_message_event_subprocess(engine: Engine) -> None:
    xml = _esp(
        '<bpmn:messageEventDefinition messageRef="M" />', False, message("M", "update", "=caseId")
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    main = await one_job(engine, "main")
    await engine.publish_message(
        name="update", correlation_key="A", time_to_live_ms=0, variables={"u": 1}
    )
    h = await one_job(engine, "handler")
    assert h.variables["u"] == 1
    await engine.complete_job(h.key)
    await engine.complete_job(main.key)


async def test_error_event_subprocess_catches_job_error(engine: Engine) -> None:
    xml = _esp('<bpmn:errorEventDefinition errorRef="E1" />', True, ERR)
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    main = await one_job(engine, "main")
    await engine.throw_error(main.key, "REJECTED", "no", {"detail": "d"})
    h = await one_job(engine, "handler")
    assert h.variables.get("detail") == "d"


async def test_terminate_end_event_ends_other_branches(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:parallelGateway id="fork" />',
        service("slow", "slow"),
        end("stop", "<bpmn:terminateEventDefinition />"),
        end(),
        flow("start", "fork"),
        flow("fork", "slow"),
        flow("fork", "stop"),
        flow("slow", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("COMPLETED",)]
    assert await engine.activate_jobs(job_type="slow", worker="w", timeout_ms=1, max_jobs=1) == []


async def test_call_activity_variables_and_completion(engine: Engine) -> None:
    child = process(
        "child", start("cs"), service("ct", "child-work"), end("ce"), chain("cs", "ct", "ce")
    )
    parent = process(
        "parent",
        start(),
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="child" propagateAllChildVariables="true" />'
        "</bpmn:extensionElements></bpmn:callActivity>",
        service("after", "after"),
        end(),
        chain("start", "call", "after", "end"),
    )
    await engine.deploy([("c.bpmn", definitions(child)), ("pa.bpmn", definitions(parent))])
    created = await engine.create_process_instance(bpmn_process_id="parent", variables={"given": 1})
    job = await one_job(engine, "child-work")
    assert job.bpmn_process_id == "child" and job.variables == {"given": 1}
    await engine.complete_job(job.key, {"result": "ok"})
    after = await one_job(engine, "after")
    assert after.variables == {"given": 1, "result": "ok"}
    parent_rows = await rows(
        engine,
        "SELECT parent_process_instance_key FROM process_instance WHERE key = ?",
        job.process_instance_key,
    )
    assert parent_rows == [(created.process_instance_key,)]


async def test_cancel_parent_cancels_called_child(engine: Engine) -> None:
    child = process(
        "child", start("cs"), service("ct", "child-work"), end("ce"), chain("cs", "ct", "ce")
    )
    parent = process(
        "parent",
        start(),
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>',
        end(),
        chain("start", "call", "end"),
    )
    await engine.deploy([("c.bpmn", definitions(child, parent))])
    created = await engine.create_process_instance(bpmn_process_id="parent")
    job = await one_job(engine, "child-work")
    with pytest.raises(EngineError) as err:
        await engine.cancel_process_instance(job.process_instance_key)
    assert err.value.code == ErrorCode.FAILED_PRECONDITION
    await engine.cancel_process_instance(created.process_instance_key)
    states = await rows(engine, "SELECT key, state FROM process_instance ORDER BY key")
    assert [s for _, s in states] == ["TERMINATED", "TERMINATED"]
    with pytest.raises(EngineError) as err:
        await engine.complete_job(job.key)
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_call_activity_missing_process_is_incident(engine: Engine) -> None:
    parent = bpmn(
        "parent",
        start(),
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="nope" /></bpmn:extensionElements></bpmn:callActivity>',
        end(),
        chain("start", "call", "end"),
    )
    await engine.deploy([("pa.bpmn", parent)])
    await engine.create_process_instance(bpmn_process_id="parent")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "CALLED_ELEMENT_ERROR" and "nope" in inc.message


def _mi(sequential: bool, completion: str | None = None) -> bytes:
    seq = "true" if sequential else "false"
    cond = (
        f"<bpmn:completionCondition>{completion}</bpmn:completionCondition>" if completion else ""
    )
    inner = (
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{seq}">'
        '<bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" '
        'inputElement="item" outputCollection="results" outputElement="=done" />'
        f"</bpmn:extensionElements>{cond}</bpmn:multiInstanceLoopCharacteristics>"
    )
    return bpmn(
        "p",
        start(),
        service("each", "each", inner=inner),
        service("after", "after"),
        end(),
        chain("start", "each", "after", "end"),
    )


async def test_parallel_multi_instance_collects_output_in_order(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _mi(False))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": ["a", "b", "c"]})
    jobs = await engine.activate_jobs(job_type="each", worker="w", timeout_ms=10_000, max_jobs=10)
    assert sorted(j.variables["item"] for j in jobs) == ["a", "b", "c"]
    assert sorted(j.variables["loopCounter"] for j in jobs) == [1, 2, 3]
    for job in reversed(jobs):
        await engine.complete_job(job.key, {"done": job.variables["item"].upper()})
    after = await one_job(engine, "after")
    assert after.variables["results"] == ["A", "B", "C"]


async def test_sequential_multi_instance_one_at_a_time(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _mi(True))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": [1, 2]})
    first = await engine.activate_jobs(job_type="each", worker="w", timeout_ms=10_000, max_jobs=10)
    assert [j.variables["item"] for j in first] == [1]
    await engine.complete_job(first[0].key, {"done": 10})
    second = await one_job(engine, "each")
    assert second.variables["item"] == 2
    await engine.complete_job(second.key, {"done": 20})
    assert (await one_job(engine, "after")).variables["results"] == [10, 20]


async def test_multi_instance_completion_condition(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _mi(False, "=numberOfCompletedInstances &gt;= 1"))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": [1, 2, 3]})
    jobs = await engine.activate_jobs(job_type="each", worker="w", timeout_ms=10_000, max_jobs=10)
    await engine.complete_job(jobs[0].key, {"done": "x"})
    await one_job(engine, "after")
    with pytest.raises(EngineError):
        await engine.complete_job(jobs[1].key)


async def test_multi_instance_empty_collection_and_bad_collection(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _mi(False))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": []})
    assert (await one_job(engine, "after")).variables["results"] == []
    await engine.create_process_instance(bpmn_process_id="p", variables={"items": "nope"})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "EXTRACT_VALUE_ERROR" and "ARRAY" in inc.message


async def test_link_events_jump(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:intermediateThrowEvent id="go"><bpmn:linkEventDefinition name="L" />'
        "</bpmn:intermediateThrowEvent>",
        '<bpmn:intermediateCatchEvent id="land"><bpmn:linkEventDefinition name="L" />'
        "</bpmn:intermediateCatchEvent>",
        service("after", "after"),
        end(),
        flow("start", "go"),
        chain("land", "after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "after")


async def test_signal_catch_and_start(engine: Engine) -> None:
    sig = '<bpmn:signal id="S" name="alarm" />'
    catcher = process(
        "catcher",
        start(),
        '<bpmn:intermediateCatchEvent id="w"><bpmn:signalEventDefinition signalRef="S" />'
        "</bpmn:intermediateCatchEvent>",
        service("after", "caught"),
        end(),
        chain("start", "w", "after", "end"),
    )
    starter = process(
        "starter",
        start("ss", '<bpmn:signalEventDefinition signalRef="S" />'),
        service("t", "started"),
        end("e"),
        chain("ss", "t", "e"),
    )
    await engine.deploy([("s.bpmn", definitions(catcher, starter, extra=sig))])
    await engine.create_process_instance(bpmn_process_id="catcher")
    key = await engine.broadcast_signal("alarm", {"level": 2})
    assert key > 0
    assert (await one_job(engine, "caught")).variables["level"] == 2
    assert (await one_job(engine, "started")).variables["level"] == 2


async def test_script_task_then_business_rule_without_decision(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:scriptTask id="calc"><bpmn:extensionElements>'
        '<zeebe:script expression="=a * 2" resultVariable="double" />'
        "</bpmn:extensionElements></bpmn:scriptTask>",
        '<bpmn:businessRuleTask id="rule"><bpmn:extensionElements>'
        '<zeebe:calledDecision decisionId="d" resultVariable="r" />'
        "</bpmn:extensionElements></bpmn:businessRuleTask>",
        end(),
        chain("start", "calc", "rule", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"a": 21})
    assert (
        await engine.inspect(lambda m: m.vars.local(created.process_instance_key)["double"]) == 42
    )
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "CALLED_DECISION_ERROR" and "'d'" in inc.message
