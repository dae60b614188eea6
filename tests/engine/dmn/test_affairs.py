"""``bpmn/affairs.dmn``: which departments act after the certificate, and by when.

Each test is a deceased's ``profile`` the way the process passes it (bpmn/README.md: camelCase
flags, ``receivesWelfare`` a list of welfare kinds); the rows are
``{department, action, taskType, deadline}`` in rule order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

import pytest
from lxml import etree

from domain.downstream import required_downstream
from domain.enums import Unit
from engine.dmn import DecisionResult, HitPolicy, evaluate_decision

from .conftest import AFFAIRS

ALWAYS = ["cremation", "household_deregistration", "funeral_subsidy"]
NO_FLAGS = {
    "hasPension": False,
    "hasSocialInsurance": False,
    "receivesWelfare": [],
    "hasDisabilityCard": False,
    "isBusinessOwner": False,
}
EVERYTHING = {
    "crematedLocally": True,
    "isRegisteredResident": True,
    "hasPension": True,
    "hasSocialInsurance": True,
    "receivesWelfare": ["minimum_living", "old_age_allowance"],
    "hasDisabilityCard": True,
    "isBusinessOwner": True,
}


def evaluate(
    affairs, profile: Mapping[str, object], decision_id: str = "downstream-departments"
) -> DecisionResult:
    variables = {"caseId": "SH-330226-20261129-0001", "profile": {**NO_FLAGS, **profile}}
    return evaluate_decision(affairs, decision_id, variables)


def actions(affairs, **profile: object) -> list[str]:
    return [row["action"] for row in evaluate(affairs, profile).output]


def rows(affairs, **profile: object) -> dict[str, dict[str, str]]:
    return {row["action"]: row for row in evaluate(affairs, profile).output}


def test_the_graph_is_affairs_with_the_downstream_table(affairs) -> None:
    assert affairs.id == "affairs"
    assert affairs.decision_ids == ("downstream-departments", "downstream-needs")
    assert affairs.decision_names["downstream-departments"] == "下游部门及办理时限"
    table = affairs.decisions["downstream-departments"].logic
    assert table.hit_policy is HitPolicy.COLLECT
    assert table.aggregation is None
    assert [o.name for o in table.outputs] == ["department", "action", "taskType", "deadline"]


def test_a_local_resident_without_benefits_gets_the_three_unconditional_actions(affairs) -> None:
    assert actions(affairs) == ALWAYS


def test_no_profile_at_all_still_means_cremation_deregistration_and_funeral_subsidy(
    affairs,
) -> None:
    result = evaluate_decision(affairs, "downstream-departments", {"caseId": "x"})
    assert [row["action"] for row in result.output] == ALWAYS


def test_household_deregistration_is_police_within_one_month(affairs) -> None:
    row = rows(affairs)["household_deregistration"]
    assert row == {
        "department": "police",
        "action": "household_deregistration",
        "taskType": "police.deregister-household",
        "deadline": "P1M",
    }


def test_cremation_is_the_funeral_home_within_72_hours(affairs) -> None:
    row = rows(affairs)["cremation"]
    assert (row["department"], row["deadline"]) == ("funeral_home", "PT72H")


def test_no_cremation_order_when_the_body_is_not_cremated_locally(affairs) -> None:
    assert actions(affairs, crematedLocally=False) == [
        "household_deregistration",
        "funeral_subsidy",
    ]


def test_no_police_deregistration_for_a_non_resident(affairs) -> None:
    assert actions(affairs, isRegisteredResident=False) == ["cremation", "funeral_subsidy"]


def test_any_welfare_kind_is_stopped_by_civil_affairs(affairs) -> None:
    row = rows(affairs, receivesWelfare=["extreme_poverty"])["welfare_stopped"]
    assert (row["department"], row["taskType"], row["deadline"]) == (
        "civil_affairs",
        "civil.stop-welfare",
        "P1M",
    )
    assert "welfare_stopped" not in actions(affairs, receivesWelfare=[])


@pytest.mark.parametrize("flag", ["hasPension", "hasSocialInsurance"])
def test_pension_or_social_insurance_brings_hrss_stop_and_survivor_benefits(
    affairs, flag: str
) -> None:
    found = rows(affairs, **{flag: True})
    assert found["pension_stopped"]["department"] == "hrss"
    assert found["pension_stopped"]["deadline"] == "P1M"
    assert found["survivor_benefits"]["department"] == "hrss"
    assert found["survivor_benefits"]["deadline"] == "P3M"


def test_pension_and_social_insurance_together_do_not_duplicate_hrss_rows(affairs) -> None:
    found = actions(affairs, hasPension=True, hasSocialInsurance=True)
    assert found == [*ALWAYS, "pension_stopped", "survivor_benefits"]


def test_disability_card_is_cancelled_by_the_dpf(affairs) -> None:
    row = rows(affairs, hasDisabilityCard=True)["disability_card_cancelled"]
    assert (row["department"], row["taskType"]) == ("dpf", "dpf.cancel-disability-card")


def test_business_owner_brings_market_supervision(affairs) -> None:
    row = rows(affairs, isBusinessOwner=True)["business_deregistration"]
    assert (row["department"], row["taskType"], row["deadline"]) == (
        "market_supervision",
        "market.notify",
        "P5D",
    )


def test_everything_applies_in_rule_order_and_the_audit_shows_each_matched_rule(affairs) -> None:
    result = evaluate(affairs, EVERYTHING)
    assert [row["action"] for row in result.output] == [
        "cremation",
        "household_deregistration",
        "funeral_subsidy",
        "welfare_stopped",
        "pension_stopped",
        "survivor_benefits",
        "disability_card_cancelled",
        "business_deregistration",
    ]
    audit = result.evaluated_decisions[0]
    assert [r.rule_index for r in audit.matched_rules] == list(range(1, 9))
    assert audit.evaluated_inputs[3].input_name == "领取养老金或参加社会保险"
    assert audit.evaluated_inputs[3].input_value is True


def test_the_table_agrees_with_the_domain_rules_for_every_profile(affairs) -> None:
    """The ledger closes a case on ``domain.downstream.required_downstream``; the diagram starts
    tasks from this table. They must never disagree, or a case waits for a task never started."""
    flags = ["hasPension", "hasSocialInsurance", "receivesWelfare", "hasDisabilityCard"]
    for values in itertools.product([False, True], repeat=len(flags) + 1):
        profile = dict(zip([*flags, "isBusinessOwner"], values, strict=True))
        welfare = ["minimum_living"] if profile["receivesWelfare"] else []
        output = evaluate(affairs, {**profile, "receivesWelfare": welfare}).output
        from_table = {(row["department"], row["action"]) for row in output}
        from_domain = {
            (unit.value, action.value)
            for unit, action in required_downstream(
                has_pension=profile["hasPension"],
                has_social_insurance=profile["hasSocialInsurance"],
                receives_welfare=profile["receivesWelfare"],
                has_disability_card=profile["hasDisabilityCard"],
                is_business_owner=profile["isBusinessOwner"],
            )
            if unit is not Unit.GRID  # the notice is delivered before the certificate
        }
        assert from_table == from_domain, profile


def test_every_deadline_is_an_iso_duration_and_every_row_a_distinct_action(affairs) -> None:
    output = evaluate(affairs, EVERYTHING).output
    for row in output:
        assert re.fullmatch(r"P(\d+[YMD])*(T(\d+[HMS])+)?", row["deadline"]), row
        assert re.fullmatch(r"[a-z]+\.[a-z-]+", row["taskType"]), row
    assert len({(row["department"], row["action"]) for row in output}) == len(output)


def test_task_types_are_the_job_types_of_the_diagram_contract(affairs) -> None:
    readme = (AFFAIRS.parent / "README.md").read_text(encoding="utf-8")
    for row in evaluate(affairs, EVERYTHING).output:
        assert f"`{row['taskType']}`" in readme, row


def test_needs_flags_for_the_inclusive_gateway_are_all_six_booleans(affairs) -> None:
    result = evaluate(affairs, {"isBusinessOwner": True}, "downstream-needs")
    assert result.output == {
        "needsCremation": True,
        "needsHouseholdDeregistration": True,
        "needsCivilAffairs": True,
        "needsPensionStop": False,
        "needsDisabilityCardCancel": False,
        "needsMarketNotice": True,
    }
    assert [d.decision_id for d in result.evaluated_decisions] == [
        "downstream-departments",
        "downstream-needs",
    ]


def test_needs_flags_without_cremation_or_hukou_and_with_everything_else(affairs) -> None:
    profile = {**EVERYTHING, "crematedLocally": False, "isRegisteredResident": False}
    assert evaluate(affairs, profile, "downstream-needs").output == {
        "needsCremation": False,
        "needsHouseholdDeregistration": False,
        "needsCivilAffairs": True,
        "needsPensionStop": True,
        "needsDisabilityCardCancel": True,
        "needsMarketNotice": True,
    }


def test_every_rule_documents_its_deadline_basis(affairs) -> None:
    table = affairs.decisions["downstream-departments"].logic
    for rule in table.rules:
        assert rule.description, rule.id
        assert "法定时限" in rule.description or "县级服务时限" in rule.description, rule.id
    household = next(r for r in table.rules if r.id == "Rule_household")
    assert "户口登记条例》第八条" in household.description


def test_the_file_opens_in_camunda_modeler_for_camunda_8() -> None:
    root = etree.fromstring(AFFAIRS.read_bytes())
    modeler = "http://camunda.org/schema/modeler/1.0"
    assert root.get(f"{{{modeler}}}executionPlatform") == "Camunda Cloud"
    assert root.get(f"{{{modeler}}}executionPlatformVersion") == "8.9.0"
    dmn = "https://www.omg.org/spec/DMN/20191111/MODEL/"
    dmndi = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
    drawn = {shape.get("dmnElementRef") for shape in root.iter(f"{{{dmndi}}}DMNShape")}
    elements = {e.get("id") for e in root if e.tag in (f"{{{dmn}}}decision", f"{{{dmn}}}inputData")}
    assert elements == {"downstream-departments", "downstream-needs", "deceased-profile"}
    assert drawn == elements
