"""Messages: subscriptions, buffering (TTL), message id idempotency, start events."""

from __future__ import annotations

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, message, service, start
from tests.engine.runtime.conftest import one_job, rows, wait_until


def _catch(ck: str = "=caseId") -> bytes:
    return bpmn(
        "p",
        start(),
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        service("after", "after"),
        end(),
        chain("start", "wait", "after", "end"),
        extra=message("M", "reply", ck),
    )


async def test_message_correlates_to_one_instance_of_a_process(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    assert (
        len(await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1_000, max_jobs=5))
        == 1
    )
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    assert (
        len(await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1_000, max_jobs=5))
        == 1
    )


async def test_message_correlates_to_waiting_instance_with_variables(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "B"})
    await engine.publish_message(
        name="reply", correlation_key="B", time_to_live_ms=0, variables={"answer": 42}
    )
    job = await one_job(engine, "after")
    assert job.variables == {"caseId": "B", "answer": 42}


async def test_numeric_correlation_key(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": 17})
    await engine.publish_message(name="reply", correlation_key="17", time_to_live_ms=0)
    await one_job(engine, "after")


async def test_bad_correlation_key_is_incident(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": None})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "EXTRACT_VALUE_ERROR"
    assert "correlation key" in inc.message and "wait" in inc.message


async def test_buffered_message_correlates_later_within_ttl(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.publish_message(
        name="reply", correlation_key="A", time_to_live_ms=60_000, variables={"early": True}
    )
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    job = await one_job(engine, "after")
    assert job.variables["early"] is True
    # Zeebe's message cardinality: once per process id, so a second instance of the same
    # process does not get it; an instance of another process waiting for it does
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.inspect(lambda m: None)
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.deploy([("q.bpmn", _catch().replace(b'id="p"', b'id="q"'))])
    await engine.create_process_instance(bpmn_process_id="q", variables={"caseId": "A"})
    assert (await one_job(engine, "after")).bpmn_process_id == "q"


async def test_expired_message_is_not_correlated(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=60_000)
    engine.clock.add(60_000)
    await wait_until(engine, lambda m: not m.s.messages)
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.inspect(lambda m: None)
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []


async def test_zero_ttl_message_without_subscription_is_dropped(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []


async def test_duplicate_message_id_rejected_while_buffered(engine: Engine) -> None:
    await engine.publish_message(
        name="n", correlation_key="k", time_to_live_ms=10_000, message_id="m-1"
    )
    with pytest.raises(EngineError) as err:
        await engine.publish_message(
            name="n", correlation_key="k", time_to_live_ms=10_000, message_id="m-1"
        )
    assert err.value.code == ErrorCode.ALREADY_EXISTS
    engine.clock.add(10_000)
    await wait_until(engine, lambda m: not m.s.messages)
    await engine.publish_message(
        name="n", correlation_key="k", time_to_live_ms=10_000, message_id="m-1"
    )


async def test_one_message_correlates_once_per_process(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:parallelGateway id="fork" />',
        '<bpmn:intermediateCatchEvent id="w1"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        '<bpmn:intermediateCatchEvent id="w2"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        service("a1", "a1"),
        service("a2", "a2"),
        end("e1"),
        end("e2"),
        flow("start", "fork"),
        flow("fork", "w1"),
        flow("fork", "w2"),
        chain("w1", "a1", "e1"),
        chain("w2", "a2", "e2"),
        extra=message("M", "reply", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=60_000)
    await engine.inspect(lambda m: None)
    got = [
        await engine.activate_jobs(job_type=t, worker="w", timeout_ms=1000, max_jobs=5)
        for t in ("a1", "a2")
    ]
    assert sum(len(g) for g in got) == 1
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    got2 = [
        await engine.activate_jobs(job_type=t, worker="w", timeout_ms=1000, max_jobs=5)
        for t in ("a1", "a2")
    ]
    assert sum(len(g) for g in got2) == 1


async def test_boundary_message_interrupts(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="cancelled" attachedToRef="task">'
        '<bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>',
        service("cleanup", "cleanup"),
        end("e2"),
        chain("start", "task", "end"),
        chain("cancelled", "cleanup", "e2"),
        extra=message("M", "withdrawn", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    job = await one_job(engine, "work")
    await engine.publish_message(
        name="withdrawn", correlation_key="A", time_to_live_ms=0, variables={"reason": "family"}
    )
    cleanup = await one_job(engine, "cleanup")
    assert cleanup.variables["reason"] == "family"
    with pytest.raises(EngineError) as err:
        await engine.complete_job(job.key)
    assert err.value.code == ErrorCode.NOT_FOUND


def _msg_start() -> bytes:
    return bpmn(
        "ms",
        start("s", '<bpmn:messageEventDefinition messageRef="M" />'),
        service("t", "started"),
        end(),
        chain("s", "t", "end"),
        extra=message("M", "death-reported"),
    )


async def test_message_start_event_creates_instance(engine: Engine) -> None:
    await engine.deploy([("ms.bpmn", _msg_start())])
    await engine.publish_message(
        name="death-reported", correlation_key="", time_to_live_ms=0, variables={"id": 1}
    )
    job = await one_job(engine, "started")
    assert job.variables == {"id": 1}


async def test_message_start_one_active_instance_per_correlation_key(engine: Engine) -> None:
    await engine.deploy([("ms.bpmn", _msg_start())])
    await engine.publish_message(name="death-reported", correlation_key="K", time_to_live_ms=60_000)
    await engine.publish_message(name="death-reported", correlation_key="K", time_to_live_ms=60_000)
    first = await one_job(engine, "started")
    assert (
        await engine.activate_jobs(job_type="started", worker="w", timeout_ms=1, max_jobs=5) == []
    )
    await engine.publish_message(name="death-reported", correlation_key="OTHER", time_to_live_ms=0)
    await one_job(engine, "started")
    # when the first instance ends, the buffered second message starts a new one
    await engine.complete_job(first.key)
    await wait_until(engine, lambda m: len(m.s.activatable.get("started", {})) == 1)


async def test_receive_task(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:receiveTask id="rcv" messageRef="M" />',
        service("after", "after"),
        end(),
        chain("start", "rcv", "after", "end"),
        extra=message("M", "confirm", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "X"})
    await engine.publish_message(
        name="confirm", correlation_key="X", time_to_live_ms=0, variables={"ok": True}
    )
    assert (await one_job(engine, "after")).variables["ok"] is True


async def test_buffered_message_reaches_event_subprocess_of_new_instance(engine: Engine) -> None:
    esp = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        '<bpmn:startEvent id="es" isInterrupting="false">'
        '<bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>'
        + service("h", "early-news")
        + end("ee")
        + chain("es", "h", "ee")
        + "</bpmn:subProcess>"
    )
    xml = bpmn(
        "p",
        start(),
        service("main", "main"),
        end(),
        chain("start", "main", "end"),
        esp,
        extra=message("M", "news", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.publish_message(name="news", correlation_key="N", time_to_live_ms=60_000)
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "N"})
    await one_job(engine, "early-news")


async def test_subscription_read_model_and_signal_without_subscribers(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch())])
    a = await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    b = await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "B"})
    await engine.publish_message(name="reply", correlation_key="A", time_to_live_ms=0)
    await engine.cancel_process_instance(b.process_instance_key)
    states = dict(
        await rows(engine, "SELECT process_instance_key, state FROM message_subscription")
    )
    assert states == {a.process_instance_key: "CORRELATED", b.process_instance_key: "DELETED"}
    assert await engine.broadcast_signal("nobody-listens") > 0
