"""A business owner's case end to end (its own system: the second test moves the engine clock).

Market supervision is told by ``market.notify`` and its action is recorded by that worker; it has
no role in the API and so is not among the units that must acknowledge the directive."""

from __future__ import annotations

from typing import Any

import pytest

from domain.clock import now_in_shanghai
from domain.enums import ActionKind, CaseStatus, Unit
from domain.models import ProfileFlags
from tests.e2e.system import ACK_TOKENS, System, wait_for
from tests.e2e.test_after_death_affairs import certify, directed, report

pytestmark = pytest.mark.e2e

BUSINESS_OWNER = ProfileFlags(is_business_owner=True)
MARKET = (Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION)


def acknowledge(system: System, case_id: str, units: list[str]) -> None:
    for unit in units:
        response = system.post(
            f"/cases/{case_id}/acknowledgements", ACK_TOKENS[unit], {"unit": unit}
        )
        assert response.status_code == 200, response.text


def waits_for_acknowledgements(system: System, case_id: str) -> list[dict[str, Any]]:
    """The engine's element instances of ``Task_WaitAcknowledgements`` of the case: the
    multi-instance body and one receive task per unit."""
    return system.element_instances(case_id, "Task_WaitAcknowledgements")


def acknowledgements_state(system: System, case_id: str) -> str | None:
    """ACTIVE; COMPLETED when every unit acknowledged; TERMINATED when the 4 h boundary
    interrupted the wait."""
    bodies = [
        i for i in waits_for_acknowledgements(system, case_id) if i["type"] == "MULTI_INSTANCE_BODY"
    ]
    return str(bodies[0]["state"]) if bodies else None


def acknowledged_in_engine(system: System, case_id: str) -> int:
    return sum(
        1
        for i in waits_for_acknowledgements(system, case_id)
        if i["type"] != "MULTI_INSTANCE_BODY" and i["state"] == "COMPLETED"
    )


def test_business_owner_case_closes_with_no_outstanding_step(system: System) -> None:
    case_id = report(system, 301, profile=BUSINESS_OWNER)["case_id"]
    units = directed(system, case_id)
    assert "market_supervision" not in units
    acknowledge(system, case_id, units)
    now = now_in_shanghai().isoformat()
    delivered = system.post(f"/cases/{case_id}/notice-delivery", "t-grid", {"delivered_at": now})
    assert delivered.status_code == 200, delivered.text
    certify(system, case_id)
    wait_for(lambda: system.notices(case_id, "market_notice"), what="market supervision told")
    wait_for(lambda: system.notices(case_id, "cremation_booking"), what="cremation booking")
    cremated = system.post(
        f"/cases/{case_id}/cremation", "t-funeral", {"done_at": now_in_shanghai().isoformat()}
    )
    assert cremated.status_code == 200, cremated.text
    reported = system.post(
        f"/cases/{case_id}/certificate/paper-report",
        "t-health",
        {"reported_at": now_in_shanghai().isoformat()},
    )
    assert reported.status_code == 200, reported.text
    wait_for(
        lambda: system.case(case_id).status is CaseStatus.CLOSED, timeout=60, what="case closed"
    )
    assert system.ledger.outstanding_actions(case_id) == set()
    actions = [(a.unit, a.action) for a in system.ledger.actions_for(case_id)]
    assert actions.count(MARKET) == 1
    assert len(system.notices(case_id, "market_notice")) == 1
    assert system.escalations(case_id) == []
    timeline = system.get(f"/cases/{case_id}", "t-supervisor").json()["timeline"]
    assert timeline[-1]["step"] == "closed:closed"
    assert all(step["state"] == "done" for step in timeline), timeline


def test_no_4h_escalation_for_a_market_acknowledgement_that_cannot_come(system: System) -> None:
    """Every unit that can acknowledge does; 4 h later the business owner's case has not
    escalated (its acknowledgements completed), while a control case whose grid worker never
    acknowledged did, at the same clock move."""
    owner = report(system, 302, profile=BUSINESS_OWNER)["case_id"]
    control = report(system, 303, profile=BUSINESS_OWNER)["case_id"]
    owner_units = directed(system, owner)
    control_units = directed(system, control)
    # every unit with a role in the API acknowledges (market supervision has none)
    owner_acks = [u for u in owner_units if u in ACK_TOKENS]
    control_acks = [u for u in control_units if u in ACK_TOKENS and u != "grid"]
    acknowledge(system, owner, owner_acks)
    acknowledge(system, control, control_acks)
    # the engine has taken every acknowledgement before the clock moves
    wait_for(lambda: acknowledged_in_engine(system, owner) == len(owner_acks), what="owner acks")
    wait_for(
        lambda: acknowledged_in_engine(system, control) == len(control_acks), what="control acks"
    )
    assert acknowledgements_state(system, control) == "ACTIVE"
    system.advance(hours=4, minutes=1)
    wait_for(
        lambda: "directive-unacknowledged" in system.escalations(control),
        what="the control case's 4 h escalation",
    )
    wait_for(
        lambda: acknowledgements_state(system, control) == "TERMINATED",
        what="the control case's acknowledgements interrupted",
    )
    assert "directive-unacknowledged" not in system.escalations(owner)
    assert acknowledgements_state(system, owner) == "COMPLETED"
    assert system.notices(owner, "acknowledgement_chase") == []
    assert system.notices(owner, "acknowledgement_overdue") == []
    assert "market_supervision" not in owner_units  # why: it is not waited for
