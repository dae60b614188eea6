from __future__ import annotations

from engine.api import EngineApi
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, service, start
from tests.engine.runtime.conftest import one_job


async def test_service_task_round_trip(engine: Engine) -> None:
    xml = bpmn("p", start(), service("task", "work"), end(), chain("start", "task", "end"))
    deployment = await engine.deploy([("p.bpmn", xml)])
    assert deployment.processes[0].version == 1
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"a": 1})
    job = await one_job(engine, "work")
    assert job.variables == {"a": 1}
    assert job.process_instance_key == created.process_instance_key
    await engine.complete_job(job.key, {"b": 2})
    alive = await engine.inspect(lambda m: created.process_instance_key in m.s.instances)
    assert not alive


def test_engine_satisfies_the_api_protocol() -> None:
    # mypy checks this assignment structurally against engine.api.EngineApi
    api: EngineApi = Engine(None)
    assert api.clock.controlled is False
