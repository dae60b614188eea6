"""Restart and crash recovery: everything acknowledged survives, keys are never reused."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.runtime import Clock, Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, message, service, start, timer


def _diagram() -> bytes:
    return bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="late" attachedToRef="task" cancelActivity="false">'
        f"{timer('timeCycle', 'R/PT1H')}</bpmn:boundaryEvent>",
        service("remind", "remind"),
        end("e2"),
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:intermediateCatchEvent>",
        chain("start", "task", "wait", "end"),
        flow("late", "remind"),
        flow("remind", "e2"),
        extra=message("M", "reply", "=caseId"),
    )


async def _open(path: Path, clock: Clock) -> Engine:
    eng = Engine(path, clock=clock)
    await eng.start()
    return eng


async def test_restart_resumes_jobs_timers_messages_incidents(tmp_path: Path) -> None:
    clock = Clock(controlled=True)
    eng = await _open(tmp_path, clock)
    await eng.deploy([("p.bpmn", _diagram())])
    a = await eng.create_process_instance(bpmn_process_id="p", variables={"caseId": "A"})
    b = await eng.create_process_instance(bpmn_process_id="p", variables={"caseId": "B"})
    jobs = await eng.activate_jobs(job_type="work", worker="w", timeout_ms=60_000, max_jobs=2)
    assert len(jobs) == 2
    await eng.fail_job(jobs[1].key, retries=0, error_message="down")
    await eng.publish_message(
        name="reply", correlation_key="A", time_to_live_ms=7_200_000, variables={"got": 1}
    )
    last_key = max(j.key for j in jobs)
    await eng.kill()

    eng2 = await _open(tmp_path, clock)
    try:
        # the activated job is still held by its worker, then times out
        assert await eng2.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=5) == []
        incidents = await eng2.inspect(lambda m: list(m.s.incidents.values()))
        assert [i.error_type for i in incidents] == ["JOB_NO_RETRIES"]
        # the cycle timer still fires (non-interrupting: the task stays)
        clock.add(3_600_000)
        for _ in range(200):
            reminders = await eng2.activate_jobs(
                job_type="remind", worker="w", timeout_ms=10_000_000, max_jobs=5
            )
            if reminders:
                break
            await asyncio.sleep(0.01)
        assert len(reminders) == 2
        # the job timed out and is handed out again; complete it: buffered message correlates
        again = await eng2.activate_jobs(job_type="work", worker="w", timeout_ms=60_000, max_jobs=5)
        assert [j.key for j in again] == [jobs[0].key]
        await eng2.complete_job(jobs[0].key)
        # the message was buffered across the restart: instance A passed its catch event
        waits = await eng2.inspect(
            lambda m: eng2._store.query(
                "SELECT state FROM element_instance WHERE element_id = 'wait' "
                "AND process_instance_key = ?",
                (a.process_instance_key,),
            )
        )
        assert waits == [("COMPLETED",)]
        # new keys never collide with old ones
        c = await eng2.create_process_instance(bpmn_process_id="p", variables={"caseId": "C"})
        assert c.process_instance_key > last_key
        await eng2.update_job_retries(jobs[1].key, 1)
        await eng2.resolve_incident(incidents[0].key)
        assert b.process_instance_key in await eng2.inspect(lambda m: list(m.s.instances))
    finally:
        await eng2.stop()


async def test_deployments_and_versions_survive_restart(tmp_path: Path) -> None:
    clock = Clock(controlled=True)
    eng = await _open(tmp_path, clock)
    d1 = await eng.deploy([("p.bpmn", _diagram())])
    await eng.stop()
    eng2 = await _open(tmp_path, clock)
    try:
        d2 = await eng2.deploy([("p.bpmn", _diagram())])
        assert d2.processes[0].process_definition_key == d1.processes[0].process_definition_key
        d3 = await eng2.deploy([("p.bpmn", _diagram().replace(b"remind", b"remind2"))])
        assert d3.processes[0].version == 2
    finally:
        await eng2.stop()


_CHILD = textwrap.dedent("""
    import asyncio, sys, pathlib
    sys.path.insert(0, {root!r})
    from engine.runtime import Engine, Clock
    from tests.engine.runtime.bpmn import bpmn, chain, end, service, start

    async def main():
        eng = Engine(pathlib.Path({data!r}))
        await eng.start()
        xml = bpmn("p", start(), service("task", "work"), end(), chain("start", "task", "end"))
        await eng.deploy([("p.bpmn", xml)])
        n = 0
        while True:
            created = await eng.create_process_instance(bpmn_process_id="p", variables={{"n": n}})
            print(created.process_instance_key, flush=True)
            n += 1
            if n % 3 == 0:
                jobs = await eng.activate_jobs(job_type="work", worker="w", timeout_ms=600000,
                                               max_jobs=2)
                for job in jobs:
                    await eng.complete_job(job.key)
                    print("done", job.process_instance_key, flush=True)

    asyncio.run(main())
""")


@pytest.mark.timeout(60)
async def test_sigkill_mid_work_loses_nothing_acknowledged(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parents[3])
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(root=root, data=str(tmp_path / "data")))
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=root
    )
    assert proc.stdout is not None
    acked: list[int] = []
    done: list[int] = []
    while len(acked) < 60:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("done"):
            done.append(int(line.split()[1]))
        else:
            acked.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(acked) >= 60

    eng = Engine(tmp_path / "data")
    await eng.start()
    try:
        live = set(await eng.inspect(lambda m: [k for k, e in m.s.instances.items() if e.is_root]))
        for key in acked:
            assert key in live or key in done, f"acknowledged instance {key} lost"
        for key in done:
            assert key not in live
        jobs = await eng.activate_jobs(job_type="work", worker="w", timeout_ms=1000, max_jobs=1000)
        assert {j.process_instance_key for j in jobs} >= set(acked) - set(done)
        created = await eng.create_process_instance(bpmn_process_id="p")
        assert created.process_instance_key > max(acked)
    finally:
        await eng.stop()
