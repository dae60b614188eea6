"""DMN: deployment versioning, EvaluateDecision, business rule tasks with a called decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import EngineError, ErrorCode
from engine.runtime import Engine
from tests.engine.runtime.bpmn import bpmn, chain, end, service, start
from tests.engine.runtime.conftest import one_job


def dmn(threshold: int = 100) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="fees" name="Fees"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="fee" name="Fee">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="Amount"><inputExpression id="ie1" typeRef="number">
        <text>amount</text></inputExpression></input>
      <output id="o1" name="fee" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>&gt; {threshold}</text></inputEntry>
        <outputEntry id="oe1"><text>"high"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>-</text></inputEntry>
        <outputEntry id="oe2"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
""".encode()


def _brt() -> bytes:
    return bpmn(
        "p",
        start(),
        '<bpmn:businessRuleTask id="rule"><bpmn:extensionElements>'
        '<zeebe:calledDecision decisionId="fee" resultVariable="feeClass" />'
        "</bpmn:extensionElements></bpmn:businessRuleTask>",
        service("after", "after"),
        end(),
        chain("start", "rule", "after", "end"),
    )


async def test_deploy_and_evaluate_decision(engine: Engine) -> None:
    d = await engine.deploy([("fees.dmn", dmn())])
    assert [x.decision_id for x in d.decisions] == ["fee"]
    assert d.decision_requirements[0].decision_requirements_id == "fees"
    again = await engine.deploy([("fees.dmn", dmn())])
    assert again.decisions[0].decision_key == d.decisions[0].decision_key
    changed = await engine.deploy([("fees.dmn", dmn(50))])
    assert changed.decisions[0].version == 2
    result = await engine.evaluate_decision(decision_id="fee", variables={"amount": 70})
    assert result.decision_output == '"high"' and result.decision_version == 2
    assert result.evaluated_decisions[0].matched_rules
    old = await engine.evaluate_decision(
        decision_key=d.decisions[0].decision_key, variables={"amount": 70}
    )
    assert old.decision_output == '"low"'
    with pytest.raises(EngineError) as err:
        await engine.evaluate_decision(decision_id="nope")
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_invalid_dmn_refused(engine: Engine) -> None:
    with pytest.raises(EngineError) as err:
        await engine.deploy([("bad.dmn", b"<definitions/>")])
    assert err.value.code == ErrorCode.INVALID_ARGUMENT and "bad.dmn" in err.value.message


async def test_business_rule_task_evaluates_called_decision(engine: Engine) -> None:
    await engine.deploy([("fees.dmn", dmn()), ("p.bpmn", _brt())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 500})
    assert (await one_job(engine, "after")).variables["feeClass"] == "high"


async def test_business_rule_task_missing_decision_is_incident(engine: Engine) -> None:
    await engine.deploy([("p.bpmn", _brt())])
    await engine.create_process_instance(bpmn_process_id="p", variables={"amount": 1})
    [inc] = await engine.inspect(lambda m: list(m.s.incidents.values()))
    assert inc.error_type == "CALLED_DECISION_ERROR" and "fee" in inc.message
    await engine.deploy([("fees.dmn", dmn())])
    await engine.resolve_incident(inc.key)
    assert (await one_job(engine, "after")).variables["feeClass"] == "low"


async def test_decisions_survive_restart_and_can_be_deleted(tmp_path: Path) -> None:
    eng = Engine(tmp_path)
    await eng.start()
    d = await eng.deploy([("fees.dmn", dmn())])
    await eng.stop()
    eng2 = Engine(tmp_path)
    await eng2.start()
    try:
        r = await eng2.evaluate_decision(decision_id="fee", variables={"amount": 1000})
        assert r.decision_output == '"high"'
        await eng2.delete_resource(d.decision_requirements[0].decision_requirements_key)
        with pytest.raises(EngineError) as err:
            await eng2.evaluate_decision(decision_id="fee", variables={})
        assert err.value.code == ErrorCode.NOT_FOUND
    finally:
        await eng2.stop()
