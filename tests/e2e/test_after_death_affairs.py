"""身后一件事 end to end: engine, workers and API as real processes, time moved by the
engine's clock actuator, results read from the ledger, the notices and the API."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import now_in_shanghai
from domain.enums import ActionKind, CaseStatus, Unit
from domain.fakes import fake_death_report
from domain.models import ProfileFlags, WelfareKind
from domain.ninghai import Township
from tests.e2e.system import ACK_TOKENS, System, wait_for

pytestmark = pytest.mark.e2e

ISSUER = {"issuer_name": "宁海县桃源街道社区卫生服务中心", "issuer_uscc": "12330226MB0000001H"}
FULL_PROFILE = ProfileFlags(
    has_pension=True,
    receives_welfare=frozenset({WelfareKind.OLD_AGE_ALLOWANCE}),
    has_disability_card=True,
)


def report(
    system: System,
    seed: int,
    *,
    delay: timedelta = timedelta(hours=2),
    profile: ProfileFlags | None = None,
    token: str = "t-grid",
) -> dict[str, Any]:
    died_at = now_in_shanghai() - delay - timedelta(minutes=5)
    data = fake_death_report(
        random.Random(seed), died_at, report_delay=delay, township=Township.TAOYUAN
    )
    if profile is not None:
        data = data.model_copy(update={"profile": profile})
    response = system.post("/reports", token, data.model_dump(mode="json", exclude_none=True))
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def directed(system: System, case_id: str) -> list[str]:
    """Wait for the directive; returns the units that must acknowledge."""
    action = wait_for(
        lambda: system.ledger.find_action(case_id, Unit.HOTLINE, ActionKind.DIRECTIVE_SENT),
        what="the directive",
    )
    # The worker records the directive before it completes its job; the wait for the
    # acknowledgements (and its chase timers, which count from its start) exists only once
    # the engine has processed that completion. Moving the clock earlier would start them late.
    wait_for(
        lambda: system.element_instances(case_id, "Task_WaitAcknowledgements"),
        what="the wait for acknowledgements",
    )
    return list(action.action.details["units"])


def certify(system: System, case_id: str) -> None:
    number = system.case(case_id).deceased.id_number
    body = {"code": number, "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = system.post(f"/cases/{case_id}/certificate", "t-health", body)
    assert response.status_code == 200, response.text


def test_normal_case_from_report_to_closed_with_every_action_once(system: System) -> None:
    answer = report(system, 101, profile=FULL_PROFILE)
    case_id = answer["case_id"]
    units = directed(system, case_id)
    assert set(units) == {
        "health",
        "police",
        "civil_affairs",
        "grid",
        "funeral_home",
        "hrss",
        "dpf",
    }
    for unit in units:
        response = system.post(
            f"/cases/{case_id}/acknowledgements", ACK_TOKENS[unit], {"unit": unit}
        )
        assert response.status_code == 200, response.text
    now = now_in_shanghai().isoformat()
    assert (
        system.post(
            f"/cases/{case_id}/notice-delivery", "t-grid", {"delivered_at": now}
        ).status_code
        == 200
    )
    certify(system, case_id)
    wait_for(lambda: system.notices(case_id, "cremation_booking"), what="cremation booking")
    assert (
        system.post(
            f"/cases/{case_id}/cremation", "t-funeral", {"done_at": now_in_shanghai().isoformat()}
        ).status_code
        == 200
    )
    assert (
        system.post(
            f"/cases/{case_id}/certificate/paper-report",
            "t-health",
            {"reported_at": now_in_shanghai().isoformat()},
        ).status_code
        == 200
    )
    wait_for(
        lambda: system.case(case_id).status is CaseStatus.CLOSED, timeout=60, what="case closed"
    )
    actions = [(a.unit, a.action) for a in system.ledger.actions_for(case_id)]
    assert len(actions) == len(set(actions)), "an action was recorded twice"
    expected = {
        (Unit.HOTLINE, ActionKind.DIRECTIVE_SENT),
        (Unit.HEALTH, ActionKind.CERTIFICATE_ISSUED),
        (Unit.GRID, ActionKind.NOTICE_DELIVERED),
        (Unit.FUNERAL_HOME, ActionKind.CREMATION),
        (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION),
        (Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED),
        (Unit.CIVIL_AFFAIRS, ActionKind.FUNERAL_SUBSIDY),
        (Unit.HRSS, ActionKind.PENSION_STOPPED),
        (Unit.HRSS, ActionKind.SURVIVOR_BENEFITS),
        (Unit.DPF, ActionKind.DISABILITY_CARD_CANCELLED),
        (Unit.HOTLINE, ActionKind.FAMILY_NOTIFIED_COMPLETE),
    } | {(Unit(u), ActionKind.DIRECTIVE_ACKNOWLEDGED) for u in units}
    assert set(actions) == expected
    notices = system.notices(case_id)
    keys = [n["dedupe_key"] for n in notices]
    assert len(keys) == len(set(keys)), "a notice was sent twice"
    assert len(system.notices(case_id, "death_summary")) == 1
    assert len(system.notices(case_id, "case_closed")) == 1
    assert system.escalations(case_id) == []
    timeline = system.get(f"/cases/{case_id}", "t-supervisor").json()["timeline"]
    assert timeline[-1]["step"] == "closed:closed"
    assert all(step["state"] == "done" for step in timeline)
    # After the case is closed the family still gets copies (the API answers alone).
    path = answer["family_link"].split(system.api_address, 1)[1]
    copy = system.client.post(f"{path}/proof-requests", json={"request_id": "after-close"})
    assert copy.status_code == 201 and copy.json()[0]["issue_kind"] == "copy"


def test_late_report_is_flagged(system: System) -> None:
    case_id = report(system, 102, delay=timedelta(hours=13))["case_id"]
    wait_for(lambda: "late-report" in system.escalations(case_id), what="late-report record")
    # the worker records the escalation before it sends the notice: wait for the notice too
    wait_for(lambda: system.notices(case_id, "late_report"), what="late-report notice")
    assert len(system.notices(case_id, "late_report")) == 1
    assert system.escalations(case_id).count("late-report") == 1


def test_duplicate_report_joins_the_open_case(system: System) -> None:
    first = report(system, 103)
    second = report(system, 103, token="t-hotline")
    assert second["joined"] is True and second["case_id"] == first["case_id"]
    assert system.case(first["case_id"]).report_count == 2
    directed(system, first["case_id"])
    assert len(system.notices(first["case_id"], "death_summary")) == 1


def test_non_normal_death_is_handed_to_the_police(system: System) -> None:
    case_id = report(system, 104)["case_id"]
    directed(system, case_id)
    body = {"finding": "颈部外伤", "found_at": now_in_shanghai().isoformat()}
    assert system.post(f"/cases/{case_id}/non-normal-finding", "t-health", body).status_code == 200
    wait_for(
        lambda: system.case(case_id).status is CaseStatus.HANDED_TO_POLICE,
        what="handed to police",
    )
    assert len(system.notices(case_id, "police_handover")) == 1


def test_copies_on_request_are_unlimited(system: System) -> None:
    answer = report(system, 105)
    case_id, link = answer["case_id"], answer["family_link"]
    directed(system, case_id)
    certify(system, case_id)
    path = link.split(system.api_address, 1)[1]
    numbers = []
    for n in range(3):
        response = system.client.post(f"{path}/proof-requests", json={"request_id": f"e2e-{n}"})
        assert response.status_code == 201, response.text
        numbers += [c["sequence_no"] for c in response.json()]
    assert numbers == [2, 3, 4]
    # The process's copy task runs for each request and finds the copy already issued.
    wait_for(lambda: len(system.notices(case_id, "proof_copy_issued")) == 3, what="copy deliveries")
    assert len(system.ledger.certificates_for(case_id)) == 4


def test_a_unit_that_is_not_allowed_gets_403(system: System) -> None:
    case_id = report(system, 106)["case_id"]
    body = {"code": "x" * 18, "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = system.post(f"/cases/{case_id}/certificate", "t-hrss", body)
    assert response.status_code == 403
    assert response.json()["message_en"].startswith("role not allowed")


def test_unacknowledged_directive_is_chased_and_a_missed_24h_certificate_escalated(
    system: System,
) -> None:
    """Moves the engine clock: keep it last in the module (other cases escalate too)."""
    case_id = report(system, 107)["case_id"]
    directed(system, case_id)
    system.post(f"/cases/{case_id}/acknowledgements", "t-police", {"unit": "police"})
    system.advance(hours=1, minutes=1)
    [chase] = wait_for(lambda: system.notices(case_id, "acknowledgement_chase"), what="chase")
    assert "民政" in chase["text"] and "公安" not in chase["text"]
    system.advance(hours=3)
    wait_for(
        lambda: "directive-unacknowledged" in system.escalations(case_id), what="4 h escalation"
    )
    system.advance(hours=14)  # 18 h after the directive
    wait_for(lambda: len(system.notices(case_id, "certificate_reminder")) == 1, what="18 h")
    system.advance(hours=4)
    wait_for(lambda: len(system.notices(case_id, "certificate_reminder")) == 2, what="22 h")
    assert "certificate-overdue" not in system.escalations(case_id)
    system.advance(hours=2)
    wait_for(lambda: "certificate-overdue" in system.escalations(case_id), what="escalation")
    wait_for(lambda: system.notices(case_id, "certificate_overdue"), what="supervisor told")
    assert len(system.notices(case_id, "certificate_overdue")) == 1
