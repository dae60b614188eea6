"""The downstream departments chosen by bpmn/affairs.dmn, end to end (engine, workers and API as
real processes; the table deployed with the diagram by ``shenhou.deploy``).

One case per branch of the table: the deceased's profile (and ID document) as the API takes it,
the case run until it is closed, then exactly the department actions the table names are in the
ledger — and no other — and the engine holds the six ``needs*`` flags ``Task_DecideDownstream``
mapped from ``downstream-needs``.

The last test is a designer's edit: a changed affairs.dmn deployed through pyzeebe while the
system runs; the cases reported after it follow the new table, the one reported before keeps
what was decided for it.
"""

from __future__ import annotations

import asyncio
import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.grpc_internals.types import DeployResourceResponse

from domain.clock import now_in_shanghai
from domain.enums import ActionKind, CaseStatus, IdType, Unit
from domain.fakes import fake_death_report
from domain.models import ProfileFlags, WelfareKind
from domain.ninghai import Township
from tests.e2e.system import ACK_TOKENS, ROOT, System, wait_for

pytestmark = pytest.mark.e2e

ISSUER = {"issuer_name": "宁海县桃源街道社区卫生服务中心", "issuer_uscc": "12330226MB0000001H"}
NEEDS = (
    "needsCremation",
    "needsHouseholdDeregistration",
    "needsCivilAffairs",
    "needsPensionStop",
    "needsDisabilityCardCancel",
    "needsMarketNotice",
)
# Actions every case has whatever the table says (not downstream of the certificate).
NOT_DOWNSTREAM = {
    ActionKind.DIRECTIVE_SENT,
    ActionKind.DIRECTIVE_ACKNOWLEDGED,
    ActionKind.NOTICE_DELIVERED,
    ActionKind.CERTIFICATE_ISSUED,
    ActionKind.FAMILY_NOTIFIED_COMPLETE,
}
CREMATION = (Unit.FUNERAL_HOME, ActionKind.CREMATION)
HOUSEHOLD = (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION)
SUBSIDY = (Unit.CIVIL_AFFAIRS, ActionKind.FUNERAL_SUBSIDY)
WELFARE = (Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED)
PENSION = (Unit.HRSS, ActionKind.PENSION_STOPPED)
SURVIVOR = (Unit.HRSS, ActionKind.SURVIVOR_BENEFITS)
DISABILITY = (Unit.DPF, ActionKind.DISABILITY_CARD_CANCELLED)
MARKET = (Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION)
ALWAYS = {CREMATION, HOUSEHOLD, SUBSIDY}
THE_3_PLUS_X = {"health", "police", "civil_affairs", "grid"}


def report(system: System, seed: int, profile: ProfileFlags, id_type: IdType) -> str:
    died_at = now_in_shanghai() - timedelta(hours=2, minutes=5)
    data = fake_death_report(
        random.Random(seed),
        died_at,
        report_delay=timedelta(hours=2),
        township=Township.TAOYUAN,
        id_type=id_type,
    ).model_copy(update={"profile": profile})
    response = system.post("/reports", "t-grid", data.model_dump(mode="json", exclude_none=True))
    assert response.status_code in (200, 201), response.text
    return str(response.json()["case_id"])


def directive_units(system: System, case_id: str) -> list[str]:
    action = wait_for(
        lambda: system.ledger.find_action(case_id, Unit.HOTLINE, ActionKind.DIRECTIVE_SENT),
        what="the directive",
    )
    return list(action.action.details["units"])


def engine_flags(system: System, case_id: str) -> dict[str, Any]:
    """The case's ``needs*`` process variables as the engine holds them."""
    key = system.case(case_id).process_instance_key
    response = httpx.post(
        f"http://{system.http}/v2/variables/search",
        json={"filter": {"processInstanceKey": str(key)}, "page": {"limit": 200}},
        timeout=5,
    )
    response.raise_for_status()
    return {
        v["name"]: json.loads(v["value"])
        for v in response.json()["items"]
        if v["name"].startswith("needs")
    }


def run_to_closed(system: System, case_id: str, units: list[str]) -> None:
    """Every unit acknowledges, the notice is delivered, the certificate issued and reported,
    the cremation recorded when the funeral home was asked; waits until the case is closed."""
    for unit in units:
        response = system.post(
            f"/cases/{case_id}/acknowledgements", ACK_TOKENS[unit], {"unit": unit}
        )
        assert response.status_code == 200, response.text
    now = now_in_shanghai().isoformat()
    response = system.post(f"/cases/{case_id}/notice-delivery", "t-grid", {"delivered_at": now})
    assert response.status_code == 200, response.text
    body = {"issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = system.post(f"/cases/{case_id}/certificate", "t-health", body)
    assert response.status_code == 200, response.text
    if "funeral_home" in units:
        wait_for(lambda: system.notices(case_id, "cremation_booking"), what="cremation booking")
        done = {"done_at": now_in_shanghai().isoformat()}
        response = system.post(f"/cases/{case_id}/cremation", "t-funeral", done)
        assert response.status_code == 200, response.text
    response = system.post(
        f"/cases/{case_id}/certificate/paper-report",
        "t-health",
        {"reported_at": now_in_shanghai().isoformat()},
    )
    assert response.status_code == 200, response.text
    wait_for(
        lambda: system.case(case_id).status is CaseStatus.CLOSED, timeout=60, what="case closed"
    )


def downstream_actions(system: System, case_id: str) -> set[tuple[Unit, ActionKind]]:
    actions = [(a.unit, a.action) for a in system.ledger.actions_for(case_id)]
    assert len(actions) == len(set(actions)), f"an action was recorded twice: {actions}"
    return {pair for pair in actions if pair[1] not in NOT_DOWNSTREAM}


def flags_for(actions: set[tuple[Unit, ActionKind]]) -> dict[str, bool]:
    units = {unit for unit, _ in actions}
    return {
        "needsCremation": CREMATION in actions,
        "needsHouseholdDeregistration": HOUSEHOLD in actions,
        "needsCivilAffairs": Unit.CIVIL_AFFAIRS in units,
        "needsPensionStop": Unit.HRSS in units,
        "needsDisabilityCardCancel": Unit.DPF in units,
        "needsMarketNotice": Unit.MARKET_SUPERVISION in units,
    }


BRANCHES = [
    pytest.param(ProfileFlags(), IdType.CITIZEN_ID, ALWAYS, set(), id="no-benefits"),
    pytest.param(
        ProfileFlags(has_pension=True),
        IdType.CITIZEN_ID,
        ALWAYS | {PENSION, SURVIVOR},
        {"hrss"},
        id="pension",
    ),
    pytest.param(
        ProfileFlags(has_social_insurance=True),
        IdType.CITIZEN_ID,
        ALWAYS | {PENSION, SURVIVOR},
        {"hrss"},
        id="social-insurance",
    ),
    pytest.param(
        ProfileFlags(receives_welfare=frozenset({WelfareKind.MINIMUM_LIVING})),
        IdType.CITIZEN_ID,
        ALWAYS | {WELFARE},
        set(),
        id="welfare",
    ),
    pytest.param(
        ProfileFlags(has_disability_card=True),
        IdType.CITIZEN_ID,
        ALWAYS | {DISABILITY},
        {"dpf"},
        id="disability-card",
    ),
    pytest.param(
        ProfileFlags(is_business_owner=True),
        IdType.CITIZEN_ID,
        ALWAYS | {MARKET},
        set(),  # market supervision is told, it does not acknowledge
        id="business-owner",
    ),
    pytest.param(
        ProfileFlags(), IdType.PASSPORT, {CREMATION, SUBSIDY}, set(), id="passport-no-household"
    ),
    pytest.param(
        ProfileFlags(has_pension=True),
        IdType.NONE,
        {CREMATION, SUBSIDY, PENSION, SURVIVOR},
        {"hrss"},
        id="no-id-no-household",
    ),
]


@pytest.mark.parametrize(("profile", "id_type", "expected", "extra_units"), BRANCHES)
def test_each_branch_of_the_table_acts_and_nothing_else(
    system: System,
    profile: ProfileFlags,
    id_type: IdType,
    expected: set[tuple[Unit, ActionKind]],
    extra_units: set[str],
    request: pytest.FixtureRequest,
) -> None:
    seed = 500 + BRANCHES.index(next(p for p in BRANCHES if p.id == request.node.callspec.id))
    case_id = report(system, seed, profile, id_type)
    units = directive_units(system, case_id)
    assert set(units) == THE_3_PLUS_X | {"funeral_home"} | extra_units
    assert engine_flags(system, case_id) == flags_for(expected)
    run_to_closed(system, case_id, units)
    assert downstream_actions(system, case_id) == expected
    assert system.escalations(case_id) == []
    assert system.incidents() == []


# --- a designer's edit ------------------------------------------------------------------------

# The county decides the funeral home is only told when the report says the body is cremated in
# the county (an unknown answer no longer counts as yes), and the market notice is due in 2 days.
EDITS = [
    (
        '<inputEntry id="InputEntry_cremation_crematedLocally">\n          <text>true, null</text>',
        '<inputEntry id="InputEntry_cremation_crematedLocally">\n          <text>true</text>',
    ),
    (
        '<text>"P5D"</text>\n        </outputEntry>\n      </rule>\n    </decisionTable>',
        '<text>"P2D"</text>\n        </outputEntry>\n      </rule>\n    </decisionTable>',
    ),
]


def edited_affairs(directory: Path) -> Path:
    text = (ROOT / "bpmn" / "affairs.dmn").read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = directory / "affairs.dmn"  # the same resource name, as Modeler saves it
    path.write_text(text, encoding="utf-8")
    return path


async def deploy(address: str, path: Path) -> dict[str, int]:
    channel = create_insecure_channel(grpc_address=address)
    try:
        response = await ZeebeClient(channel).deploy_resource(str(path))
    finally:
        await channel.close()
    return {
        d.dmn_decision_id: d.version
        for d in response.deployments
        if isinstance(d, DeployResourceResponse.DecisionMetadata)
    }


def test_a_redeployed_table_applies_to_new_cases(tmp_path: Path) -> None:
    """Its own system: the edited table must not leak into the other tests."""
    workdir = tmp_path / "system"
    workdir.mkdir()
    system = System(workdir).start()
    try:
        business = ProfileFlags(is_business_owner=True)
        before = report(system, 601, business, IdType.CITIZEN_ID)
        units_before = directive_units(system, before)
        assert "funeral_home" in units_before

        versions = asyncio.run(deploy(system.grpc, edited_affairs(tmp_path)))
        assert versions == {"downstream-departments": 2, "downstream-needs": 2}

        after = report(system, 602, business, IdType.CITIZEN_ID)
        units_after = directive_units(system, after)
        assert set(units_after) == THE_3_PLUS_X  # no funeral home to acknowledge any more
        assert engine_flags(system, after) == flags_for({HOUSEHOLD, SUBSIDY, MARKET})
        assert engine_flags(system, before)["needsCremation"] is True  # decided before the edit

        # the new case closes without a cremation; the old one still waits for it
        run_to_closed(system, after, units_after)
        assert downstream_actions(system, after) == {HOUSEHOLD, SUBSIDY, MARKET}
        run_to_closed(system, before, units_before)
        assert downstream_actions(system, before) == ALWAYS | {MARKET}
        assert system.incidents() == []
    except BaseException:
        print(system.logs())
        raise
    finally:
        system.stop()
