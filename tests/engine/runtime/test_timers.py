"""Timers: catch events, boundary events (cycles), timer start events; never early."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from engine.runtime import Engine
from engine.runtime.machine import Machine
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, service, start, timer
from tests.engine.runtime.conftest import one_job, wait_until


def _count(job_type: str, n: int) -> Callable[[Machine], bool]:
    return lambda m: len(m.s.activatable.get(job_type, {})) == n


def _catch(value: str, kind: str = "timeDuration") -> bytes:
    return bpmn(
        "p",
        start(),
        f'<bpmn:intermediateCatchEvent id="wait">{timer(kind, value)}'
        "</bpmn:intermediateCatchEvent>",
        service("after", "after"),
        end(),
        chain("start", "wait", "after", "end"),
    )


async def _no_job(engine: Engine, job_type: str) -> None:
    await engine.inspect(lambda m: None)  # let the writer run whatever is due
    assert await engine.activate_jobs(job_type=job_type, worker="w", timeout_ms=1, max_jobs=1) == []


async def test_duration_timer_never_fires_early(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch("PT10M"))])
    await engine.create_process_instance(bpmn_process_id="p")
    engine.clock.add(599_000)
    await _no_job(engine, "after")
    engine.clock.add(1_000)
    await wait_until(engine, lambda m: m.s.activatable.get("after"))


async def test_feel_timer_expression_evaluated_on_entering(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch("=wait"))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"wait": "PT1H"})
    engine.clock.add(3_599_000)
    await _no_job(engine, "after")
    engine.clock.add(1_000)
    await wait_until(engine, lambda m: m.s.activatable.get("after"))


async def test_bad_timer_expression_is_incident(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _catch("=wait"))])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"wait": "soon"})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.element_id == "wait" and "soon" in inc.message
    await engine.set_variables(created.process_instance_key, {"wait": "PT1S"})
    await engine.resolve_incident(inc.key)
    engine.clock.add(1_000)
    await wait_until(engine, lambda m: m.s.activatable.get("after"))


async def test_date_timer(engine: Engine) -> None:
    now = engine.clock.now_ms()
    due = datetime.fromtimestamp(now / 1000 + 7200, tz=UTC).replace(microsecond=0)
    await engine.deploy([("p.bpmn", _catch(due.isoformat(), "timeDate"))])
    await engine.create_process_instance(bpmn_process_id="p")
    engine.clock.pin(int(due.timestamp() * 1000) - 1)
    await _no_job(engine, "after")
    engine.clock.pin(int(due.timestamp() * 1000))
    await wait_until(engine, lambda m: m.s.activatable.get("after"))


def _boundary(interrupting: bool, value: str, kind: str = "timeDuration") -> bytes:
    cancel = "true" if interrupting else "false"
    return bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        f'<bpmn:boundaryEvent id="b" attachedToRef="task" cancelActivity="{cancel}">'
        f"{timer(kind, value)}</bpmn:boundaryEvent>",
        service("remind", "remind"),
        end("e2"),
        chain("start", "task", "end"),
        flow("b", "remind"),
        flow("remind", "e2"),
    )


async def test_interrupting_boundary_timer_cancels_the_task(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _boundary(True, "PT1H"))])
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work", timeout_ms=10 * 3_600_000)
    engine.clock.add(3_600_000)
    await wait_until(engine, lambda m: m.s.activatable.get("remind"))
    states = await engine.inspect(lambda m: job.key in m.s.jobs)
    assert not states  # job cancelled with its task


async def test_non_interrupting_cycle_repeats_n_times(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _boundary(False, "R3/PT1H", "timeCycle"))])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "work", timeout_ms=100 * 3_600_000)
    for expected in (1, 2, 3, 3):
        engine.clock.add(3_600_000)
        await wait_until(engine, _count("remind", expected))
    await _no_job(engine, "nothing")
    assert len(await engine.inspect(lambda m: m.s.activatable["remind"])) == 3


async def test_boundary_timer_cancelled_when_task_completes(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _boundary(True, "PT1H"))])
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    assert await engine.inspect(lambda m: len(m.s.timers)) == 1
    await engine.complete_job(job.key)
    assert await engine.inspect(lambda m: len(m.s.timers)) == 0
    engine.clock.add(3_600_000)
    await _no_job(engine, "remind")


def _timer_start(value: str, kind: str = "timeCycle", pid: str = "tp", task: str = "tick") -> bytes:
    return bpmn(
        pid, start("ts", timer(kind, value)), service("t", task), end(), chain("ts", "t", "end")
    )


async def test_timer_start_cycle_creates_instances(engine: Engine) -> None:
    await engine.deploy([("tp.bpmn", _timer_start("R2/PT1M"))])
    for n in (1, 2, 2):
        engine.clock.add(60_000)
        await wait_until(engine, _count("tick", n))


async def test_timer_start_cron(engine: Engine) -> None:
    engine.clock.pin(1_700_000_000_000)  # 2023-11-14T22:13:20Z
    await engine.deploy([("tp.bpmn", _timer_start("0 0 * * * *"))])  # every full hour
    engine.clock.pin(1_700_000_000_000 + 46 * 60_000)  # 22:59:20
    await _no_job(engine, "tick")
    engine.clock.pin(1_700_002_800_000)  # 23:00:00
    await wait_until(engine, lambda m: len(m.s.activatable.get("tick", {})) == 1)


async def test_redeploy_cancels_old_timer_start(engine: Engine) -> None:
    await engine.deploy([("tp.bpmn", _timer_start("R/PT1M", task="old"))])
    await engine.deploy([("tp.bpmn", _timer_start("R/PT1M", task="new"))])
    engine.clock.add(60_000)
    await wait_until(engine, lambda m: len(m.s.activatable.get("new", {})) == 1)
    await _no_job(engine, "old")


async def test_timer_start_date(engine: Engine) -> None:
    now = engine.clock.now_ms()
    due = datetime.fromtimestamp(now / 1000 + 60, tz=UTC).replace(microsecond=0)
    await engine.deploy([("tp.bpmn", _timer_start(due.isoformat(), "timeDate"))])
    engine.clock.pin(int(due.timestamp() * 1000))
    await wait_until(engine, lambda m: len(m.s.activatable.get("tick", {})) == 1)
    engine.clock.add(86_400_000)
    await _no_job(engine, "other")
    assert len(await engine.inspect(lambda m: m.s.activatable["tick"])) == 1


async def test_feel_now_uses_the_engine_clock(engine: Engine) -> None:
    engine.clock.pin(1_893_456_000_000)  # 2030-01-01T00:00:00Z, far from the system time
    await engine.deploy([("p.bpmn", _catch('=now() + duration("PT1H")', "timeDate"))])
    await engine.create_process_instance(bpmn_process_id="p")
    due = await engine.inspect(lambda m: [t.due for t in m.s.timers.values()])
    assert due == [1_893_456_000_000 + 3_600_000]
    engine.clock.add(3_600_000)
    await wait_until(engine, lambda m: m.s.activatable.get("after"))


async def test_missed_cycle_firings_collapse_into_one(engine: Engine) -> None:
    await engine.deploy([("tp.bpmn", _timer_start("R/PT1M"))])
    engine.clock.add(5 * 60_000 + 1_000)  # five periods pass at once (engine down, clock jump)
    await wait_until(engine, _count("tick", 1))
    await _no_job(engine, "nothing")
    assert len(await engine.inspect(lambda m: m.s.activatable["tick"])) == 1
    due = await engine.inspect(lambda m: [t.due for t in m.s.timers.values()])
    assert len(due) == 1 and due[0] > engine.clock.now_ms()
