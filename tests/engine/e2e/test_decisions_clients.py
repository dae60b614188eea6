"""bpmn/affairs.dmn deployed to and evaluated by the engine process through the two official
clients: pyzeebe's decision API (``ZeebeClient.deploy_resource``, ``evaluate_decision``, 4.7)
and ``zbctl deploy resource`` / ``zbctl evaluate decision``.

The engine is shared by the module, so every test reads the version it starts from instead of
assuming one; a changed table is a copy of the real file with one rule edited, written to a
temporary directory under the same resource name, as a designer's redeployment would be.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.errors import DecisionNotFoundError
from pyzeebe.grpc_internals.types import DeployResourceResponse

from tests.engine.e2e.harness import ROOT, ZBCTL, EngineProcess, as_json, zbctl

pytestmark = pytest.mark.e2e

AFFAIRS = ROOT / "bpmn" / "affairs.dmn"
NEEDS = "downstream-needs"
TABLE = "downstream-departments"

NOTHING: dict[str, Any] = {
    "hasPension": False,
    "hasSocialInsurance": False,
    "receivesWelfare": [],
    "hasDisabilityCard": False,
    "isBusinessOwner": False,
}
PENSIONER_WITH_A_SHOP: dict[str, Any] = {**NOTHING, "hasPension": True, "isBusinessOwner": True}


def flags(**true: bool) -> dict[str, bool]:
    names = [
        "needsCremation",
        "needsHouseholdDeregistration",
        "needsCivilAffairs",
        "needsPensionStop",
        "needsDisabilityCardCancel",
        "needsMarketNotice",
    ]
    return {name: true.get(name, False) for name in names}


def edited_affairs(directory: Path, old: str, new: str) -> Path:
    """A copy of affairs.dmn with ``old`` (which must occur once) replaced by ``new``."""
    text = AFFAIRS.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / AFFAIRS.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


MARKET_IN_TWO_DAYS = (
    '<text>"P5D"</text>\n        </outputEntry>\n      </rule>\n    </decisionTable>',
    '<text>"P2D"</text>\n        </outputEntry>\n      </rule>\n    </decisionTable>',
)
CREMATION_ONLY_WHEN_KNOWN_LOCAL = (
    '<inputEntry id="InputEntry_cremation_crematedLocally">\n          <text>true, null</text>',
    '<inputEntry id="InputEntry_cremation_crematedLocally">\n          <text>true</text>',
)


@pytest.fixture
async def client(engine_proc: EngineProcess) -> AsyncIterator[ZeebeClient]:
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    yield ZeebeClient(channel)
    await channel.close()


async def deploy(
    client: ZeebeClient, path: Path
) -> dict[str, DeployResourceResponse.DecisionMetadata]:
    response = await client.deploy_resource(str(path))
    return {
        d.dmn_decision_id: d
        for d in response.deployments
        if isinstance(d, DeployResourceResponse.DecisionMetadata)
    }


# --- pyzeebe -------------------------------------------------------------------------------------


async def test_pyzeebe_deploys_affairs_and_evaluates_the_needs_by_id(client: ZeebeClient) -> None:
    deployed = await deploy(client, AFFAIRS)
    assert set(deployed) == {NEEDS, TABLE}
    assert deployed[NEEDS].dmn_decision_requirements_id == "affairs"
    assert deployed[NEEDS].dmn_decision_name == "下游分支开关"

    result = await client.evaluate_decision(
        None, NEEDS, {"profile": PENSIONER_WITH_A_SHOP, "idType": "citizen_id"}
    )
    assert result.decision_output == flags(
        needsCremation=True,
        needsHouseholdDeregistration=True,
        needsCivilAffairs=True,
        needsPensionStop=True,
        needsMarketNotice=True,
    )
    assert result.decision_id == NEEDS
    assert result.decision_version == deployed[NEEDS].version
    assert result.decision_requirements_id == "affairs"
    assert result.failed_decision_id == "" and result.failure_message == ""
    # the required table is evaluated first and shows its matched rules
    table, needs = result.evaluated_decisions
    assert (table.decision_id, needs.decision_id) == (TABLE, NEEDS)
    assert [r.rule_id for r in table.matched_rules] == [
        "Rule_cremation",
        "Rule_household",
        "Rule_funeralSubsidy",
        "Rule_pension",
        "Rule_survivorBenefits",
        "Rule_business",
    ]
    by_input = {i.input_id: i.input_value for i in table.evaluated_inputs}
    assert by_input["Input_pensionOrInsurance"] is True
    assert by_input["Input_idType"] == "citizen_id"


async def test_pyzeebe_evaluates_the_collect_table_by_key(client: ZeebeClient) -> None:
    deployed = await deploy(client, AFFAIRS)
    result = await client.evaluate_decision(
        deployed[TABLE].decision_key,
        None,
        {"profile": {**NOTHING, "hasDisabilityCard": True}, "idType": "passport"},
    )
    assert result.decision_key == deployed[TABLE].decision_key
    assert result.decision_output == [
        {
            "department": "funeral_home",
            "action": "cremation",
            "taskType": "funeral.schedule-cremation",
            "deadline": "PT72H",
        },
        {
            "department": "civil_affairs",
            "action": "funeral_subsidy",
            "taskType": "civil.stop-welfare",
            "deadline": "P1M",
        },
        {
            "department": "dpf",
            "action": "disability_card_cancelled",
            "taskType": "dpf.cancel-disability-card",
            "deadline": "P1M",
        },
    ]


async def test_pyzeebe_an_unknown_decision_is_not_found(client: ZeebeClient) -> None:
    with pytest.raises(DecisionNotFoundError):
        await client.evaluate_decision(None, "downstream-nothing", {})


async def test_pyzeebe_redeploying_an_edited_table_makes_a_new_version_that_applies(
    client: ZeebeClient, tmp_path: Path
) -> None:
    before = await deploy(client, AFFAIRS)
    again = await deploy(client, AFFAIRS)  # unchanged: no new version (duplicate detection)
    assert again[NEEDS].version == before[NEEDS].version
    edited = await deploy(client, edited_affairs(tmp_path, *CREMATION_ONLY_WHEN_KNOWN_LOCAL))
    assert edited[NEEDS].version == before[NEEDS].version + 1
    assert edited[TABLE].version == before[TABLE].version + 1
    variables: dict[str, Any] = {"profile": NOTHING, "idType": "citizen_id"}
    latest = await client.evaluate_decision(None, NEEDS, variables)
    assert latest.decision_version == edited[NEEDS].version
    assert latest.decision_output == flags(
        needsHouseholdDeregistration=True, needsCivilAffairs=True
    )
    old = await client.evaluate_decision(before[NEEDS].decision_key, None, variables)
    assert isinstance(old.decision_output, dict)
    assert old.decision_output["needsCremation"] is True  # the old version is still there
    # restore the real table for the other tests of the module
    restored = await deploy(client, AFFAIRS)
    assert restored[NEEDS].version == edited[NEEDS].version + 1


# --- zbctl ---------------------------------------------------------------------------------------


@pytest.mark.zbctl
@pytest.mark.skipif(not ZBCTL.exists(), reason=f"zbctl binary missing at {ZBCTL}: run `make node`")
def test_zbctl_deploys_and_evaluates_downstream_needs(
    engine_proc: EngineProcess, tmp_path: Path
) -> None:
    deployed = as_json(zbctl(engine_proc, "deploy", "resource", str(AFFAIRS)))
    decisions = {
        d["decision"]["dmnDecisionId"]: d["decision"]
        for d in deployed["deployments"]
        if "decision" in d
    }
    assert set(decisions) == {NEEDS, TABLE}
    version = int(decisions[NEEDS]["version"])

    variables = {"profile": {**NOTHING, "receivesWelfare": ["minimum_living"]}, "idType": "none"}
    evaluated = as_json(
        zbctl(engine_proc, "evaluate", "decision", NEEDS, "--variables", json.dumps(variables))
    )
    assert evaluated["decisionId"] == NEEDS and int(evaluated["decisionVersion"]) == version
    assert json.loads(evaluated["decisionOutput"]) == flags(
        needsCremation=True, needsCivilAffairs=True
    )
    table = evaluated["evaluatedDecisions"][0]
    assert table["decisionId"] == TABLE
    assert [r["ruleId"] for r in table["matchedRules"]] == [
        "Rule_cremation",
        "Rule_funeralSubsidy",
        "Rule_welfare",
    ]

    # a designer's edit deployed with zbctl: a new version, and the next evaluation uses it
    edited = edited_affairs(tmp_path, *MARKET_IN_TWO_DAYS)
    redeployed = as_json(zbctl(engine_proc, "deploy", "resource", str(edited)))
    versions = {
        d["decision"]["dmnDecisionId"]: int(d["decision"]["version"])
        for d in redeployed["deployments"]
        if "decision" in d
    }
    assert versions == {NEEDS: version + 1, TABLE: int(decisions[TABLE]["version"]) + 1}
    shop = {"profile": {**NOTHING, "isBusinessOwner": True}}
    rows = json.loads(
        as_json(zbctl(engine_proc, "evaluate", "decision", TABLE, "--variables", json.dumps(shop)))[
            "decisionOutput"
        ]
    )
    assert {row["action"]: row["deadline"] for row in rows}["business_deregistration"] == "P2D"
    as_json(zbctl(engine_proc, "deploy", "resource", str(AFFAIRS)))  # the real table again
