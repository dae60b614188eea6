"""Whatever the writer holds in memory after a commit is exactly what a restart loads back.

A forgotten ``touch`` (a change made in memory but never written) would make a restarted engine
behave differently from the one that acknowledged the commands; this drives many element kinds
and compares the live state with a fresh load of the same database after every step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.runtime import Clock, Engine
from engine.runtime.engine import _ParseCache
from engine.runtime.machine import Machine
from engine.runtime.state import RuntimeState
from engine.store import SqliteStore
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, io, message, service, start, timer


def snapshot(state: RuntimeState) -> dict[str, Any]:
    entities = {}
    for table in (
        state.instances,
        state.jobs,
        state.timers,
        state.msubs,
        state.ssubs,
        state.messages,
        state.incidents,
    ):
        for key, entity in table.items():
            entities[key] = entity.to_json()
    variables = {
        scope: {name: (v.key, v.value) for name, v in scope_vars.items()}
        for scope, scope_vars in state.variables.items()
        if scope_vars
    }
    activatable = {t: sorted(b) for t, b in state.activatable.items() if b}
    return {
        "entities": entities,
        "variables": variables,
        "activatable": activatable,
        "next_key": state.next_key,
        "position": state.position,
        "definitions": sorted(state.definitions.by_key),
        "locks": dict(state.msg_start_locks),
    }


async def assert_roundtrip(engine: Engine, path: Path) -> None:
    def compare(m: Machine) -> tuple[dict[str, Any], dict[str, Any]]:
        live = snapshot(m.s)
        store = SqliteStore(path, synchronous="NORMAL")
        store.open()
        try:
            fresh = RuntimeState()
            fresh.load(store, _ParseCache())
        finally:
            store.close()
        return live, snapshot(fresh)

    live, loaded = await engine.inspect(compare)
    assert loaded == live


DIAGRAM = bpmn(
    "p",
    start(),
    service("task", "work", ext=io({"local": "=caseId"}, {"out": "=res"})),
    '<bpmn:boundaryEvent id="late" attachedToRef="task" cancelActivity="false">'
    f"{timer('timeCycle', 'R2/PT1M')}</bpmn:boundaryEvent>",
    service("remind", "remind"),
    end("e2"),
    '<bpmn:parallelGateway id="fork" />',
    '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M" />'
    "</bpmn:intermediateCatchEvent>",
    service("other", "other"),
    '<bpmn:parallelGateway id="join" />',
    end(),
    chain("start", "task", "fork"),
    flow("fork", "wait"),
    flow("fork", "other"),
    flow("wait", "join"),
    flow("other", "join"),
    flow("join", "end"),
    chain("late", "remind", "e2"),
    extra=message("M", "reply", "=caseId"),
)


async def test_live_state_equals_reloaded_state_at_every_step(tmp_path: Path) -> None:
    engine = Engine(tmp_path, clock=Clock(controlled=True), synchronous="NORMAL")
    await engine.start()
    path = engine.store_path
    assert path is not None
    try:
        await engine.deploy([("p.bpmn", DIAGRAM)])
        await assert_roundtrip(engine, path)
        a = await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
        await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "B"})
        await assert_roundtrip(engine, path)
        jobs = await engine.activate_jobs(
            job_type="work", worker="w", timeout_ms=600_000, max_jobs=5
        )
        await assert_roundtrip(engine, path)
        engine.clock.add(60_000)
        await engine.inspect(lambda m: None)
        await assert_roundtrip(engine, path)
        await engine.fail_job(jobs[1].key, retries=0, error_message="x")
        await engine.publish_message(
            name="reply", correlation_key="A", time_to_live_ms=600_000, message_id="m1"
        )
        await assert_roundtrip(engine, path)
        await engine.complete_job(jobs[0].key, {"res": 1})
        await assert_roundtrip(engine, path)
        other = await engine.activate_jobs(
            job_type="other", worker="w", timeout_ms=1000, max_jobs=5
        )
        await engine.fail_job(other[0].key, retries=2, retry_backoff_ms=5_000)
        await assert_roundtrip(engine, path)
        engine.clock.add(10_000)
        await engine.inspect(lambda m: None)
        await assert_roundtrip(engine, path)
        [inc] = await engine.inspect(lambda m: list(m.s.incidents))
        await engine.update_job_retries(jobs[1].key, 1)
        await engine.resolve_incident(inc)
        await assert_roundtrip(engine, path)
        await engine.cancel_process_instance(a.process_instance_key)
        await assert_roundtrip(engine, path)
    finally:
        await engine.stop()
