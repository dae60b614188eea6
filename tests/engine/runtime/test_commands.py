"""Deployment, instance creation/cancellation/modification, variables, errors of commands."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from engine.api import ActivateInstruction, EngineError, ErrorCode, StartInstruction
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, definitions, end, io, process, service, start
from tests.engine.runtime.conftest import one_job, rows


def _simple(job_type: str = "work", pid: str = "p") -> bytes:
    return bpmn(pid, start(), service("task", job_type), end(), chain("start", "task", "end"))


async def test_identical_redeploy_keeps_version_changed_content_bumps(engine: Engine) -> None:
    d1 = await engine.deploy([("p.bpmn", _simple())])
    d2 = await engine.deploy([("p.bpmn", _simple())])
    assert d2.processes[0].version == 1
    assert d2.processes[0].process_definition_key == d1.processes[0].process_definition_key
    d3 = await engine.deploy([("p.bpmn", _simple("other"))])
    assert d3.processes[0].version == 2
    assert d3.key != d1.key


async def test_deploy_is_atomic_and_names_the_resource(engine: Engine) -> None:
    broken = b"<bpmn:definitions"
    with pytest.raises(EngineError) as err:
        await engine.deploy([("good.bpmn", _simple()), ("broken.bpmn", broken)])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    assert "broken.bpmn" in err.value.message
    with pytest.raises(EngineError) as err2:
        await engine.create_process_instance(bpmn_process_id="p")
    assert err2.value.code == ErrorCode.NOT_FOUND


async def test_create_by_id_key_and_version(engine: Engine) -> None:
    d1 = await engine.deploy([("p.bpmn", _simple("v1"))])
    await engine.deploy([("p.bpmn", _simple("v2"))])
    latest = await engine.create_process_instance(bpmn_process_id="p")
    assert latest.version == 2
    by_version = await engine.create_process_instance(bpmn_process_id="p", version=1)
    assert by_version.process_definition_key == d1.processes[0].process_definition_key
    by_key = await engine.create_process_instance(
        process_definition_key=d1.processes[0].process_definition_key
    )
    assert by_key.version == 1
    assert (
        len(await engine.activate_jobs(job_type="v1", worker="w", timeout_ms=10, max_jobs=5)) == 2
    )


async def test_create_errors(engine: Engine) -> None:
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(bpmn_process_id="missing")
    assert err.value.code == ErrorCode.NOT_FOUND
    assert err.value.message == (
        "Expected to find process definition with process ID 'missing', but none found"
    )
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(process_definition_key=42)
    assert err.value.code == ErrorCode.NOT_FOUND
    await engine.deploy([("p.bpmn", _simple())])
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(bpmn_process_id="p", variables=[1, 2])  # type: ignore[arg-type]
    assert err.value.code == ErrorCode.INVALID_ARGUMENT


async def test_start_instructions(engine: Engine) -> None:
    xml = bpmn(
        "p", start(), service("a", "a"), service("b", "b"), end(), chain("start", "a", "b", "end")
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(
        bpmn_process_id="p", start_instructions=[StartInstruction("b")]
    )
    await one_job(engine, "b")
    assert await engine.activate_jobs(job_type="a", worker="w", timeout_ms=1, max_jobs=1) == []
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(
            bpmn_process_id="p", start_instructions=[StartInstruction("zz")]
        )
    assert err.value.code == ErrorCode.INVALID_ARGUMENT


async def test_create_with_result(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _simple())])

    async def worker() -> None:
        job = await _wait_job(engine, "work")
        await engine.complete_job(job.key, {"answer": 42, "extra": 1})

    task = asyncio.create_task(worker())
    result = await engine.create_process_instance_with_result(
        bpmn_process_id="p",
        variables={"q": 1},
        fetch_variables=["answer"],
        request_timeout_ms=5_000,
    )
    await task
    assert result.variables == {"answer": 42}


async def _wait_job(engine: Engine, job_type: str) -> Any:
    for _ in range(500):
        jobs = await engine.activate_jobs(
            job_type=job_type, worker="w", timeout_ms=10_000, max_jobs=1
        )
        if jobs:
            return jobs[0]
        await asyncio.sleep(0.005)
    raise AssertionError("no job")


async def test_create_with_result_deadline(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _simple())])
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance_with_result(bpmn_process_id="p", request_timeout_ms=50)
    assert err.value.code == ErrorCode.DEADLINE_EXCEEDED


async def test_create_with_result_immediate_completion(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", bpmn("p", start(), end(), chain("start", "end")))])
    result = await engine.create_process_instance_with_result(
        bpmn_process_id="p", variables={"a": 1}, request_timeout_ms=2_000
    )
    assert result.variables == {"a": 1}


async def test_cancel_instance(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _simple())])
    created = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.cancel_process_instance(created.process_instance_key)
    assert await rows(engine, "SELECT state FROM job WHERE key = ?", job.key) == [("CANCELED",)]
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("TERMINATED",)]
    with pytest.raises(EngineError) as err:
        await engine.cancel_process_instance(created.process_instance_key)
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_set_variables_local_and_propagating(engine: Engine) -> None:
    inner = start("s2") + service("t", "inner") + end("e2") + "".join([chain("s2", "t", "e2")])
    xml = bpmn(
        "p",
        start(),
        f'<bpmn:subProcess id="sub"><bpmn:extensionElements>{io({"x": "=0"})}'
        f"</bpmn:extensionElements>{inner}</bpmn:subProcess>",
        end(),
        chain("start", "sub", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"x": 1})
    pi = created.process_instance_key
    job = await one_job(engine, "inner", timeout_ms=1000)
    sub_key = await engine.inspect(
        lambda m: next(k for k, e in m.s.instances.items() if e.element_id == "sub")
    )
    await engine.set_variables(job.element_instance_key, {"x": 5, "y": 6})
    assert await engine.inspect(lambda m: m.vars.local(sub_key)) == {"x": 5}
    assert await engine.inspect(lambda m: m.vars.local(pi)) == {"x": 1, "y": 6}
    await engine.set_variables(job.element_instance_key, {"z": 7}, local=True)
    assert await engine.inspect(lambda m: m.vars.local(job.element_instance_key)) == {"z": 7}
    with pytest.raises(EngineError) as err:
        await engine.set_variables(1234, {"a": 1})
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_io_mapping_error_is_readable_incident(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work", ext=io({"n": "=assert(items, items != null)"})),
        end(),
        chain("start", "task", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "IO_MAPPING_ERROR"
    assert "input mapping 'n'" in inc.message and "'task'" in inc.message
    assert await rows(
        engine,
        "SELECT has_incident FROM process_instance WHERE key = ?",
        created.process_instance_key,
    ) == [(1,)]
    await engine.set_variables(created.process_instance_key, {"items": [1, 2]})
    await engine.resolve_incident(inc.key)
    job = await one_job(engine, "work")
    assert job.variables["n"] == [1, 2]
    assert await rows(
        engine,
        "SELECT has_incident FROM process_instance WHERE key = ?",
        created.process_instance_key,
    ) == [(0,)]


async def test_modify_instance_activate_and_terminate(engine: Engine) -> None:
    xml = bpmn(
        "p", start(), service("a", "a"), service("b", "b"), end(), chain("start", "a", "b", "end")
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    job_a = await one_job(engine, "a")
    await engine.modify_process_instance(
        created.process_instance_key,
        activate=[ActivateInstruction("b", variables=[("b", {"v": 1})])],
        terminate=[job_a.element_instance_key],
    )
    job_b = await one_job(engine, "b")
    assert job_b.variables["v"] == 1
    with pytest.raises(EngineError) as err:
        await engine.complete_job(job_a.key)
    assert err.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(EngineError) as err:
        await engine.modify_process_instance(
            created.process_instance_key, activate=[ActivateInstruction("zz")]
        )
    assert err.value.code == ErrorCode.INVALID_ARGUMENT


async def test_delete_resource(engine: Engine) -> None:
    d = await engine.deploy([("p.bpmn", _simple())])
    key = d.processes[0].process_definition_key
    created = await engine.create_process_instance(bpmn_process_id="p")
    with pytest.raises(EngineError) as err:
        await engine.delete_resource(key)
    assert err.value.code == ErrorCode.FAILED_PRECONDITION
    await engine.cancel_process_instance(created.process_instance_key)
    await engine.delete_resource(key)
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(bpmn_process_id="p")
    assert err.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(EngineError) as err:
        await engine.delete_resource(key)
    assert err.value.code == ErrorCode.NOT_FOUND
    again = await engine.deploy([("p.bpmn", _simple())])
    assert again.processes[0].version == 2  # versions are never reused


async def test_multiple_processes_in_one_resource(engine: Engine) -> None:
    xml = definitions(
        process("one", start("s1"), end("e1"), chain("s1", "e1")),
        process("two", start("s2"), end("e2"), chain("s2", "e2")),
    )
    d = await engine.deploy([("two.bpmn", xml)])
    assert sorted(p.bpmn_process_id for p in d.processes) == ["one", "two"]


async def test_create_with_result_of_a_cancelled_instance_is_deadline_exceeded(
    engine: Engine,
) -> None:
    # Zeebe sends a result only when the instance completes: the caller of a terminated one gets
    # DEADLINE_EXCEEDED at its request timeout. We answer the same status at once, so a request
    # without a timeout (0) does not wait forever.
    await engine.deploy([("p.bpmn", _simple())])
    waiting = asyncio.create_task(
        engine.create_process_instance_with_result(bpmn_process_id="p", request_timeout_ms=0)
    )
    job = await _wait_job(engine, "work")
    await engine.cancel_process_instance(job.process_instance_key)
    with pytest.raises(EngineError) as err:
        await asyncio.wait_for(waiting, 10)
    assert err.value.code == ErrorCode.DEADLINE_EXCEEDED
    assert "terminated" in err.value.message
    assert job.process_instance_key not in engine._waiters  # nothing leaks


async def test_modify_terminating_the_last_element_terminates_the_instance(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _simple())])
    created = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.modify_process_instance(
        created.process_instance_key, terminate=[job.element_instance_key]
    )
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("TERMINATED",)]


async def test_variables_that_are_not_json_are_refused_alone(engine: Engine) -> None:
    import datetime as dt

    await engine.deploy([("p.bpmn", _simple())])
    bad = asyncio.create_task(
        engine.create_process_instance(
            bpmn_process_id="p", variables={"when": dt.datetime(2026, 1, 1)}
        )
    )
    good = asyncio.create_task(engine.create_process_instance(bpmn_process_id="p"))
    with pytest.raises(EngineError) as err:
        await bad
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    assert (await good).process_instance_key > 0
    with pytest.raises(EngineError) as err:
        await engine.complete_job(1, {"x": {1, 2}})
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    with pytest.raises(EngineError) as err:
        await engine.create_process_instance(bpmn_process_id="p", variables={"n": float("nan")})
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
