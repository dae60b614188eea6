"""Jobs: activation, completion, failure, retries, back-off, time-out, errors, incidents."""

from __future__ import annotations

from typing import Any

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, flow, io, service, start
from tests.engine.runtime.conftest import one_job, rows, wait_until


async def deploy_task(engine: Engine, retries: str | None = None, **kw: Any) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work", retries=retries, **kw),
        end(),
        chain("start", "task", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])


async def test_activation_fetches_all_or_listed_variables_and_headers(engine: Engine) -> None:
    await deploy_task(engine, headers={"department": "police"})
    await engine.create_process_instance(bpmn_process_id="p", variables={"a": 1, "b": "x"})
    before = engine.clock.now_ms()
    jobs = await engine.activate_jobs(
        job_type="work", worker="w1", timeout_ms=1000, max_jobs=5, fetch_variables=["b", "zz"]
    )
    after = engine.clock.now_ms()
    assert len(jobs) == 1
    job = jobs[0]
    assert job.variables == {"b": "x"}
    assert job.custom_headers == {"department": "police"}
    assert job.worker == "w1" and job.retries == 3
    assert before + 1000 <= job.deadline_ms <= after + 1000
    assert job.bpmn_process_id == "p" and job.element_id == "task"
    # activated jobs are not handed out twice
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=5) == []


async def test_max_jobs_and_tenant_filter(engine: Engine) -> None:
    await deploy_task(engine)
    for _ in range(3):
        await engine.create_process_instance(bpmn_process_id="p")
    assert (
        await engine.activate_jobs(
            job_type="work", worker="w", timeout_ms=1000, max_jobs=5, tenant_ids=["other"]
        )
        == []
    )
    jobs = await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1000, max_jobs=2)
    assert len(jobs) == 2


async def test_timed_out_job_is_activatable_again(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work", timeout_ms=10_000)
    engine.clock.add(9_000)
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=1) == []
    engine.clock.add(2_000)
    await wait_until(engine, lambda m: m.s.jobs[job.key].state == "TIMED_OUT")
    again = await one_job(engine, "work")
    assert again.key == job.key


async def test_update_timeout_extends_deadline(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work", timeout_ms=1_000)
    await engine.update_job_timeout(job.key, 60_000)
    engine.clock.add(5_000)
    await engine.inspect(lambda m: None)
    assert await engine.inspect(lambda m: m.s.jobs[job.key].state) == "ACTIVATED"


async def test_complete_unknown_and_not_activatable(engine: Engine) -> None:
    await deploy_task(engine)
    with pytest.raises(EngineError) as err:
        await engine.complete_job(123, {})
    assert err.value.code == ErrorCode.NOT_FOUND
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=0, error_message="boom")
    with pytest.raises(EngineError) as err:
        await engine.complete_job(job.key, {})
    assert err.value.code == ErrorCode.FAILED_PRECONDITION
    with pytest.raises(EngineError) as err:
        await engine.fail_job(job.key, retries=1)
    assert err.value.code == ErrorCode.FAILED_PRECONDITION


async def test_fail_with_retries_and_backoff(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=2, error_message="try later", retry_backoff_ms=30_000)
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=1) == []
    engine.clock.add(29_000)
    await engine.inspect(lambda m: None)
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=1) == []
    engine.clock.add(2_000)
    await wait_until(engine, lambda m: m.s.jobs[job.key].activatable)
    again = await one_job(engine, "work")
    assert again.retries == 2


async def test_fail_without_backoff_is_activatable_at_once(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=1, error_message="again")
    assert (await one_job(engine, "work")).retries == 1


async def test_no_retries_incident_then_update_retries_and_resolve(engine: Engine) -> None:
    await deploy_task(engine)
    created = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=0, error_message="department system down")
    incidents = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert len(incidents) == 1
    inc = incidents[0]
    assert inc.error_type == "JOB_NO_RETRIES"
    assert inc.message == "department system down"
    assert inc.job_key == job.key and inc.pi_key == created.process_instance_key
    assert (
        await engine.inspect(lambda m: m.s.instances[created.process_instance_key].incidents) == 1
    )
    # updating retries alone does not make it activatable (Zeebe: resolve separately)
    await engine.update_job_retries(job.key, 2)
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.resolve_incident(inc.key)
    again = await one_job(engine, "work")
    assert again.retries == 2
    await engine.complete_job(again.key)
    assert not await engine.inspect(lambda m: created.process_instance_key in m.s.instances)


async def test_resolve_without_retries_is_refused_as_zeebe(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.fail_job(job.key, retries=0, error_message="x")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    with pytest.raises(EngineError) as err:
        await engine.resolve_incident(inc.key)
    assert err.value.code == ErrorCode.FAILED_PRECONDITION
    assert f"job with key '{job.key}' has no retries left" in err.value.message
    # nothing changed: the same incident is still open and the job is not handed out
    assert [i.key for i in await engine.inspect(lambda m: list(m.s.incidents.values()))] == [
        inc.key
    ]
    assert await rows(engine, "SELECT state FROM incident") == [("ACTIVE",)]
    assert await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.update_job_retries(job.key, 1)
    await engine.resolve_incident(inc.key)
    assert (await one_job(engine, "work")).key == job.key
    with pytest.raises(EngineError) as err:
        await engine.resolve_incident(inc.key)
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_update_retries_validation(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    with pytest.raises(EngineError) as err:
        await engine.update_job_retries(job.key, 0)
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    with pytest.raises(EngineError) as err:
        await engine.update_job_retries(999, 3)
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_feel_job_type_and_retries(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "=&quot;dept.&quot; + dept", retries="=n + 1"),
        end(),
        chain("start", "task", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"dept": "police", "n": 4})
    job = await one_job(engine, "dept.police")
    assert job.retries == 5


async def test_feel_job_type_failure_is_incident_and_resolvable(engine: Engine) -> None:
    xml = bpmn("p", start(), service("task", "=dept"), end(), chain("start", "task", "end"))
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "EXTRACT_VALUE_ERROR"
    assert "task" in inc.message and "dept" in inc.message
    await engine.set_variables(created.process_instance_key, {"dept": "hrss"})
    await engine.resolve_incident(inc.key)
    await one_job(engine, "hrss")


async def test_job_completion_variables_propagate_and_output_mappings(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("a", "a"),
        service("b", "b", ext=io(outputs={"receipt": "=result.id"})),
        end(),
        chain("start", "a", "b", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    pi = created.process_instance_key
    job = await one_job(engine, "a")
    await engine.complete_job(job.key, {"x": 1})
    assert await engine.inspect(lambda m: m.vars.local(pi)) == {"x": 1}
    job = await one_job(engine, "b")
    await engine.complete_job(job.key, {"result": {"id": "R-1"}, "noise": True})
    # the instance finished; the read model keeps its variables
    assert dict(await rows(engine, "SELECT name, value FROM variable WHERE scope_key = ?", pi)) == {
        "x": "1",
        "receipt": '"R-1"',
    }


async def test_throw_error_caught_by_boundary(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="err" attachedToRef="task">'
        '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>',
        '<bpmn:endEvent id="handled" />',
        chain("start", "task", "end"),
        flow("err", "handled"),
        extra="",
    ).replace(
        b"</bpmn:definitions>", b'<bpmn:error id="E1" errorCode="NOT_FOUND" /></bpmn:definitions>'
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.throw_error(job.key, "NOT_FOUND", "no record", {"why": "gone"})
    pi = created.process_instance_key
    assert not await engine.inspect(lambda m: pi in m.s.instances)
    # it ended through the error path, not the normal one, with the error's variables
    ended = await rows(
        engine,
        "SELECT element_id, state FROM element_instance WHERE process_instance_key = ? "
        "AND element_id IN ('task', 'end', 'handled') ORDER BY element_id",
        pi,
    )
    assert ended == [("handled", "COMPLETED"), ("task", "TERMINATED")]
    assert await rows(
        engine, "SELECT value FROM variable WHERE scope_key = ? AND name = 'why'", pi
    ) == [('"gone"',)]


async def test_unhandled_error_is_incident_and_job_retryable(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work")
    await engine.throw_error(job.key, "UNKNOWN", "nobody catches")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "UNHANDLED_ERROR_EVENT"
    assert "UNKNOWN" in inc.message
    await engine.resolve_incident(inc.key)
    assert (await one_job(engine, "work")).key == job.key


async def test_jobs_available_listener_called_after_commit(engine: Engine) -> None:
    seen: list[str] = []
    engine.add_jobs_available_listener(seen.append)
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    await wait_until(engine, lambda m: True)
    assert "work" in seen


async def test_user_task_is_a_job_with_headers(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        '<bpmn:userTask id="ut"><bpmn:extensionElements>'
        '<zeebe:assignmentDefinition assignee="=who" candidateGroups="clerks, managers" />'
        "</bpmn:extensionElements></bpmn:userTask>",
        end(),
        chain("start", "ut", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p", variables={"who": "li"})
    job = await one_job(engine, "io.camunda.zeebe:userTask")
    assert job.custom_headers["io.camunda.zeebe:assignee"] == "li"
    assert job.custom_headers["io.camunda.zeebe:candidateGroups"] == '["clerks", "managers"]'


async def test_read_model_follows_the_job(engine: Engine) -> None:
    await deploy_task(engine, headers={"h": "v"})
    await engine.create_process_instance(bpmn_process_id="p")

    async def job_row() -> tuple[object, ...]:
        [row] = await rows(
            engine, "SELECT state, worker, retries, error_message, custom_headers FROM job"
        )
        return row

    assert (await job_row())[0] == "CREATED"
    job = await one_job(engine, "work")
    assert (await job_row())[:3] == ("ACTIVATED", "test", 3)
    await engine.fail_job(job.key, retries=0, error_message="down")
    assert (await job_row())[:4] == ("FAILED", None, 0, "down")
    await engine.update_job_retries(job.key, 1)
    assert (await job_row())[0] == "RETRIES_UPDATED"
    [(inc_key, inc_state)] = await rows(engine, "SELECT key, state FROM incident")
    assert inc_state == "ACTIVE"
    await engine.resolve_incident(inc_key)
    again = await one_job(engine, "work")
    await engine.complete_job(again.key)
    assert (await job_row())[0] == "COMPLETED"
    assert (await job_row())[4] == '{"h":"v"}'
    assert await rows(engine, "SELECT state FROM incident") == [("RESOLVED",)]


async def test_fail_is_accepted_for_an_activatable_job_as_zeebe(engine: Engine) -> None:
    await deploy_task(engine)
    await engine.create_process_instance(bpmn_process_id="p")
    job = await one_job(engine, "work", timeout_ms=1_000)
    engine.clock.add(1_000)  # timed out: activatable, not activated
    await wait_until(engine, lambda m: m.s.jobs[job.key].activatable)
    await engine.fail_job(job.key, retries=2, error_message="given back")
    assert (await one_job(engine, "work")).retries == 2
