"""Exclusive, parallel, inclusive and event-based gateways."""

from __future__ import annotations

from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, end, flow, message, service, start, timer
from tests.engine.runtime.conftest import one_job, rows, wait_until


def _xor(default: bool = True) -> bytes:
    dflt = ' default="f_low"' if default else ""
    return bpmn(
        "p",
        start(),
        f'<bpmn:exclusiveGateway id="gw"{dflt} />',
        service("high", "high"),
        service("low", "low"),
        end("e1"),
        end("e2"),
        flow("start", "gw"),
        flow("gw", "high", "=amount &gt; 100", "f_high"),
        flow("gw", "low", None if default else "=amount &lt;= 100", "f_low"),
        flow("high", "e1"),
        flow("low", "e2"),
    )


async def test_exclusive_takes_first_true_condition(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _xor())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 500})
    await one_job(engine, "high")
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 5})
    await one_job(engine, "low")


async def test_exclusive_without_match_raises_incident_resolved_after_fix(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _xor(default=False))])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"amount": None})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.element_id == "gw"
    assert inc.error_type in ("CONDITION_ERROR", "EXTRACT_VALUE_ERROR")
    assert "gw" in inc.message
    await engine.set_variables(created.process_instance_key, {"amount": 7})
    await engine.resolve_incident(inc.key)
    await one_job(engine, "low")
    db = await rows(engine, "SELECT state FROM incident WHERE key = ?", inc.key)
    assert db == [("RESOLVED",)]


async def test_parallel_join_waits_for_all(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:parallelGateway id="fork" />',
        service("a", "a"),
        service("b", "b"),
        '<bpmn:parallelGateway id="join" />',
        service("after", "after"),
        end(),
        flow("start", "fork"),
        flow("fork", "a"),
        flow("fork", "b"),
        flow("a", "join"),
        flow("b", "join"),
        flow("join", "after"),
        flow("after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    ja = await one_job(engine, "a")
    jb = await one_job(engine, "b")
    await engine.complete_job(ja.key)
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.complete_job(jb.key)
    j = await one_job(engine, "after")
    await engine.complete_job(j.key)
    states = await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    )
    assert states == [("COMPLETED",)]
    joins = await rows(
        engine,
        "SELECT COUNT(*) FROM element_instance WHERE process_instance_key = ? "
        "AND element_id = 'join'",
        created.process_instance_key,
    )
    assert joins == [(1,)]


def _inclusive() -> bytes:
    return bpmn(
        "p",
        start(),
        '<bpmn:inclusiveGateway id="fork" default="f_c" />',
        service("a", "a"),
        service("b", "b"),
        service("c", "c"),
        '<bpmn:inclusiveGateway id="join" />',
        service("after", "after"),
        end(),
        flow("start", "fork"),
        flow("fork", "a", "=needA", "f_a"),
        flow("fork", "b", "=needB", "f_b"),
        flow("fork", "c", None, "f_c"),
        flow("a", "join"),
        flow("b", "join"),
        flow("c", "join"),
        flow("join", "after"),
        flow("after", "end"),
    )


async def test_inclusive_fork_takes_all_true_and_join_waits_only_for_those(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _inclusive())])
    await engine.create_process_instance(
        bpmn_process_id="p", variables={"needA": True, "needB": True}
    )
    ja = await one_job(engine, "a")
    jb = await one_job(engine, "b")
    assert await engine.activate_jobs(job_type="c", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.complete_job(ja.key)
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.complete_job(jb.key)
    await one_job(engine, "after")


async def test_inclusive_default_when_nothing_true(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _inclusive())])
    await engine.create_process_instance(
        bpmn_process_id="p", variables={"needA": False, "needB": False}
    )
    jc = await one_job(engine, "c")
    await engine.complete_job(jc.key)
    await one_job(engine, "after")


async def test_inclusive_single_branch_passes_join(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _inclusive())])
    await engine.create_process_instance(
        bpmn_process_id="p", variables={"needA": True, "needB": False}
    )
    ja = await one_job(engine, "a")
    await engine.complete_job(ja.key)
    await one_job(engine, "after")


async def test_event_based_gateway_first_event_wins(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:eventBasedGateway id="gw" />',
        '<bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        f'<bpmn:intermediateCatchEvent id="late">{timer("timeDuration", "PT1H")}'
        "</bpmn:intermediateCatchEvent>",
        service("onmsg", "onmsg"),
        service("ontime", "ontime"),
        end("e1"),
        end("e2"),
        flow("start", "gw"),
        flow("gw", "msg"),
        flow("gw", "late"),
        flow("msg", "onmsg"),
        flow("late", "ontime"),
        flow("onmsg", "e1"),
        flow("ontime", "e2"),
        extra=message("M", "answer", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "c1"})
    await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "c2"})
    await engine.publish_message(
        name="answer", correlation_key="c1", time_to_live_ms=0, variables={"reply": "yes"}
    )
    job = await one_job(engine, "onmsg")
    assert job.variables["reply"] == "yes"
    await engine.complete_job(job.key)
    engine.clock.add(3_600_000)
    job2 = await wait_until(engine, lambda m: m.s.activatable.get("ontime"))
    assert len(job2) == 1
    # the first instance's timer was cancelled with the gateway: no second "ontime" job
    assert await engine.activate_jobs(job_type="onmsg", worker="w", timeout_ms=1, max_jobs=5) == []


async def test_inclusive_join_stops_waiting_when_a_token_can_no_longer_arrive(
    engine: Engine,
) -> None:
    # fork → a → join; fork → b → xor → (join | elsewhere end)
    xml = bpmn(
        "p",
        start(),
        '<bpmn:inclusiveGateway id="fork" />',
        service("a", "a"),
        service("b", "b"),
        '<bpmn:exclusiveGateway id="x" default="f_x_out" />',
        end("out"),
        '<bpmn:inclusiveGateway id="join" />',
        service("after", "after"),
        end(),
        flow("start", "fork"),
        flow("fork", "a", "=true", "f_a"),
        flow("fork", "b", "=true", "f_b"),
        flow("a", "join"),
        flow("b", "x"),
        flow("x", "join", "=back", "f_x_join"),
        flow("x", "out", None, "f_x_out"),
        flow("join", "after"),
        flow("after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"back": False})
    ja = await one_job(engine, "a")
    jb = await one_job(engine, "b")
    await engine.complete_job(ja.key)
    # b may still reach the join: wait
    assert await engine.activate_jobs(job_type="after", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.complete_job(jb.key)  # b leaves through "out": nothing can arrive any more
    await one_job(engine, "after")
