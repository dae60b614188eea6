"""The writer: group commit, back-pressure, isolation of a failing command, durability."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Clock, Engine
from engine.runtime.machine import Machine
from tests.engine.runtime.bpmn import bpmn, chain, end, service, start

XML = bpmn("p", start(), service("task", "work"), end(), chain("start", "task", "end"))


async def _block(engine: Engine) -> tuple[threading.Event, asyncio.Task[object]]:
    """Occupy the writer until the returned event is set."""
    release = threading.Event()
    entered = threading.Event()

    def hold(m: Machine) -> None:
        entered.set()
        release.wait(10)

    task = asyncio.create_task(engine.inspect(hold))
    await asyncio.to_thread(entered.wait, 10)
    return release, task


async def test_full_queue_is_resource_exhausted() -> None:
    engine = Engine(None, clock=Clock(True), queue_capacity=2)
    await engine.start()
    try:
        await engine.deploy([("p.bpmn", XML)])
        release, blocker = await _block(engine)
        waiting = [
            asyncio.create_task(engine.create_process_instance(bpmn_process_id="p"))
            for _ in range(2)
        ]
        await asyncio.sleep(0)
        with pytest.raises(EngineError) as err:
            await engine.create_process_instance(bpmn_process_id="p")
        assert err.value.code == ErrorCode.RESOURCE_EXHAUSTED
        release.set()
        await blocker
        created = await asyncio.gather(*waiting)
        assert len({c.process_instance_key for c in created}) == 2
    finally:
        await engine.stop()


async def test_commands_waiting_together_share_one_commit(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", XML)])
    before = engine.stats()["batches_total"]
    release, blocker = await _block(engine)
    waiting = [
        asyncio.create_task(engine.create_process_instance(bpmn_process_id="p")) for _ in range(50)
    ]
    await asyncio.sleep(0.01)
    release.set()
    await blocker
    await asyncio.gather(*waiting)
    stats = engine.stats()
    assert stats["batches_total"] - before <= 3  # the blocker's batch + one or two more
    assert stats["batch_size"]["count"] == stats["batches_total"]


async def test_failing_command_does_not_take_its_batch_down(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", XML)])
    release, blocker = await _block(engine)

    def broken(m: Machine) -> None:
        m.s.new_key()
        m.vars.set_local(m.s.instances[next(iter(m.s.instances))], "x", 1)  # mutates, then fails
        raise RuntimeError("bug")

    a = asyncio.create_task(engine.create_process_instance(bpmn_process_id="p"))
    bad = asyncio.create_task(engine.inspect(broken))
    b = asyncio.create_task(engine.create_process_instance(bpmn_process_id="p"))
    await asyncio.sleep(0.01)
    release.set()
    await blocker
    ca, cb = await a, await b
    with pytest.raises(RuntimeError):
        await bad
    jobs = await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1000, max_jobs=5)
    assert {j.process_instance_key for j in jobs} == {
        ca.process_instance_key,
        cb.process_instance_key,
    }


async def test_answer_means_committed(tmp_path: Path) -> None:
    engine = Engine(tmp_path)
    await engine.start()
    try:
        await engine.deploy([("p.bpmn", XML)])
        created = await engine.create_process_instance(bpmn_process_id="p", variables={"v": 1})
        assert engine.store_path is not None
        conn = sqlite3.connect(f"file:{engine.store_path}?mode=ro", uri=True)
        try:
            state = conn.execute(
                "SELECT state FROM process_instance WHERE key = ?", (created.process_instance_key,)
            ).fetchall()
            jobs = conn.execute("SELECT type, state FROM job").fetchall()
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        finally:
            conn.close()
        assert state == [("ACTIVE",)]
        assert jobs == [("work", "CREATED")]
        assert mode == "wal"
    finally:
        await engine.stop()


async def test_commands_refused_when_not_started() -> None:
    engine = Engine(None)
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(bpmn_process_id="p")
    assert err.value.code == ErrorCode.UNAVAILABLE


async def test_records_are_written_in_order(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", XML)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    records = await engine.inspect(
        lambda m: engine._store.query(
            "SELECT intent FROM record WHERE key = ? AND value_type = 'PROCESS_INSTANCE' "
            "ORDER BY position",
            (created.process_instance_key,),
        )
    )
    assert [r[0] for r in records] == ["ELEMENT_ACTIVATING", "ELEMENT_ACTIVATED"]


async def test_refused_command_leaves_a_rejection_record_only(engine: Engine) -> None:
    before = await engine.inspect(lambda m: m.s.position)
    with pytest.raises(EngineError):
        await engine.complete_job(42)
    records = await engine.inspect(
        lambda m: engine._store.query(
            "SELECT record_type, value_type, intent FROM record WHERE position > ?", (before,)
        )
    )
    assert records == [("COMMAND_REJECTION", "JOB", "REJECTED")]


async def test_finished_instances_leave_nothing_in_memory(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="late" attachedToRef="task">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>",
        end("e2"),
        chain("start", "task", "end"),
        chain("late", "e2"),
    )
    await engine.deploy([("p.bpmn", xml)])
    for _ in range(50):
        await engine.create_process_instance(bpmn_process_id="p", variables={"a": 1})
    jobs = await engine.activate_jobs(job_type="work", worker="w", timeout_ms=60_000, max_jobs=50)
    await asyncio.gather(*(engine.complete_job(j.key, {"b": 2}) for j in jobs))
    sizes = await engine.inspect(
        lambda m: {
            "instances": len(m.s.instances),
            "jobs": len(m.s.jobs),
            "timers": len(m.s.timers),
            "variables": len(m.s.variables),
            "subs": len(m.s.msubs),
            "incidents": len(m.s.incidents),
            "activatable": sum(len(b) for b in m.s.activatable.values()),
        }
    )
    assert sizes == {
        "instances": 0,
        "jobs": 0,
        "timers": 0,
        "variables": 0,
        "subs": 0,
        "incidents": 0,
        "activatable": 0,
    }
    live_rows = await engine.inspect(lambda m: engine._store.query("SELECT COUNT(*) FROM rt_state"))
    assert live_rows == [(0,)]
