"""Resource binding (``bindingType``) of call activities and business rule tasks, and Zeebe's
deployment versioning that ``deployment`` binding relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Clock, Engine
from tests.engine.runtime.bpmn import chain, definitions, end, process, service, start
from tests.engine.runtime.conftest import one_job
from tests.engine.runtime.test_decisions import dmn


def _child(job_type: str, version_tag: str | None = None) -> bytes:
    tag = (
        f'<bpmn:extensionElements><zeebe:versionTag value="{version_tag}" />'
        "</bpmn:extensionElements>"
        if version_tag
        else ""
    )
    return definitions(
        process(
            "child", tag, start("cs"), service("ct", job_type), end("ce"), chain("cs", "ct", "ce")
        )
    )


def _parent(binding: str = "", process_id: str = "child", pid: str = "parent") -> bytes:
    return definitions(
        process(
            pid,
            start(),
            '<bpmn:callActivity id="call"><bpmn:extensionElements>'
            f'<zeebe:calledElement processId="{process_id}" {binding} />'
            "</bpmn:extensionElements></bpmn:callActivity>",
            end(),
            chain("start", "call", "end"),
        )
    )


async def test_latest_binding_calls_the_newest_version(engine: Engine) -> None:
    await engine.deploy([("parent.bpmn", _parent()), ("child.bpmn", _child("v1"))])
    await engine.deploy([("child.bpmn", _child("v2"))])
    await engine.create_process_instance(bpmn_process_id="parent")
    assert (await one_job(engine, "v2")).process_definition_version == 2


async def test_deployment_binding_calls_the_version_deployed_with_the_caller(
    engine: Engine,
) -> None:
    binding = 'bindingType="deployment"'
    await engine.deploy([("parent.bpmn", _parent(binding)), ("child.bpmn", _child("v1"))])
    await engine.deploy([("child.bpmn", _child("v2"))])  # a newer child alone
    await engine.create_process_instance(bpmn_process_id="parent")
    job = await one_job(engine, "v1")
    assert job.process_definition_version == 1
    # the caller's version 1 keeps calling child version 1 after a later joint deployment
    await engine.deploy([("parent.bpmn", _parent(binding)), ("child.bpmn", _child("v3"))])
    await engine.create_process_instance(bpmn_process_id="parent", version=1)
    await engine.create_process_instance(bpmn_process_id="parent")
    assert (await one_job(engine, "v1")).process_definition_version == 1
    assert (await one_job(engine, "v3")).process_definition_version == 3


async def test_deployment_binding_with_a_static_target_outside_the_deployment_is_refused(
    engine: Engine,
) -> None:
    await engine.deploy([("child.bpmn", _child("v1"))])
    with pytest.raises(EngineError) as err:
        await engine.deploy([("parent.bpmn", _parent('bindingType="deployment"'))])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT
    assert "'call'" in err.value.message and "'child'" in err.value.message
    assert "parent.bpmn" in err.value.message


async def test_deployment_binding_with_a_feel_target_missing_is_an_incident(
    engine: Engine,
) -> None:
    await engine.deploy([("parent.bpmn", _parent('bindingType="deployment"', "=target"))])
    await engine.deploy([("child.bpmn", _child("v1"))])
    await engine.create_process_instance(bpmn_process_id="parent", variables={"target": "child"})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "CALLED_ELEMENT_ERROR"
    assert "binding type 'deployment'" in inc.message and "'call'" in inc.message


async def test_version_tag_binding_calls_the_latest_version_with_the_tag(engine: Engine) -> None:
    binding = 'bindingType="versionTag" versionTag="1.0"'
    await engine.deploy([("parent.bpmn", _parent(binding))])
    created = await engine.create_process_instance(bpmn_process_id="parent")
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "CALLED_ELEMENT_ERROR" and "version tag '1.0'" in inc.message
    await engine.deploy([("child.bpmn", _child("a", "1.0"))])
    await engine.deploy([("child.bpmn", _child("b", "1.0"))])
    await engine.deploy([("child.bpmn", _child("c", "2.0"))])
    await engine.deploy([("child.bpmn", _child("d"))])
    await engine.resolve_incident(inc.key)
    job = await one_job(engine, "b")
    assert job.process_definition_version == 2
    assert job.process_instance_key != created.process_instance_key


def _tagged_dmn(threshold: int, tag: str) -> bytes:
    return dmn(threshold).replace(
        b'<decision id="fee" name="Fee">',
        b'<decision id="fee" name="Fee"><extensionElements>'
        b'<zeebe:versionTag xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" value="'
        + tag.encode()
        + b'" /></extensionElements>',
    )


def _brt(binding: str) -> bytes:
    return definitions(
        process(
            "p",
            start(),
            '<bpmn:businessRuleTask id="rule"><bpmn:extensionElements>'
            f'<zeebe:calledDecision decisionId="fee" resultVariable="feeClass" {binding} />'
            "</bpmn:extensionElements></bpmn:businessRuleTask>",
            service("after", "after"),
            end(),
            chain("start", "rule", "after", "end"),
        )
    )


async def test_business_rule_task_bindings(engine: Engine) -> None:
    with pytest.raises(EngineError) as err:
        await engine.deploy([("p.bpmn", _brt('bindingType="deployment"'))])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT and "'rule'" in err.value.message
    # deployment: threshold 100 deployed with the process; a later 50 does not reach it
    await engine.deploy([("p.bpmn", _brt('bindingType="deployment"')), ("f.dmn", dmn(100))])
    await engine.deploy([("f.dmn", dmn(50))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 70})
    assert (await one_job(engine, "after")).variables["feeClass"] == "low"
    # versionTag: the latest decision version carrying the tag
    await engine.deploy([("f.dmn", _tagged_dmn(10, "t1"))])
    await engine.deploy([("f.dmn", _tagged_dmn(500, "t2"))])
    await engine.deploy([("f.dmn", dmn(1))])
    await engine.deploy([("q.bpmn", _brt('bindingType="versionTag" versionTag="t1"'))])
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 70})
    assert (await one_job(engine, "after")).variables["feeClass"] == "high"


async def test_a_changed_resource_gives_every_resource_of_the_deployment_a_new_version(
    engine: Engine,
) -> None:
    first = await engine.deploy([("parent.bpmn", _parent()), ("child.bpmn", _child("v1"))])
    same = await engine.deploy([("parent.bpmn", _parent()), ("child.bpmn", _child("v1"))])
    assert [p.version for p in same.processes] == [1, 1]
    assert [p.process_definition_key for p in same.processes] == [
        p.process_definition_key for p in first.processes
    ]
    changed = await engine.deploy([("parent.bpmn", _parent()), ("child.bpmn", _child("v2"))])
    assert [p.version for p in changed.processes] == [2, 2]
    alone = await engine.deploy([("parent.bpmn", _parent())])  # identical to the latest again
    assert alone.processes[0].version == 2


async def test_bindings_resolve_after_a_restart(tmp_path: Path) -> None:
    clock = Clock(controlled=True)
    eng = Engine(tmp_path, clock=clock)
    await eng.start()
    try:
        await eng.deploy(
            [("parent.bpmn", _parent('bindingType="deployment"')), ("child.bpmn", _child("v1"))]
        )
        await eng.deploy([("child.bpmn", _child("v2", "x"))])
        await eng.deploy([("child.bpmn", _child("v3"))])
        await eng.deploy(
            [("tagged.bpmn", _parent('bindingType="versionTag" versionTag="x"', pid="tagged"))]
        )
    finally:
        await eng.stop()
    eng = Engine(tmp_path, clock=clock)
    await eng.start()
    try:
        await eng.create_process_instance(bpmn_process_id="parent")
        await eng.create_process_instance(bpmn_process_id="tagged")
        assert (await one_job(eng, "v1")).process_definition_version == 1
        assert (await one_job(eng, "v2")).process_definition_version == 2
    finally:
        await eng.stop()
