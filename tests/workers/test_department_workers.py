"""Department workers over real gRPC (fake gateway) with a real SQLite ledger.

Each test hands the worker a job the way the engine would, then checks the job's answer
(complete / throw error / fail) and what is in the ledger and the notice sink.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from domain.enums import ActionKind, CaseStage, Unit
from domain.ledger import Ledger
from domain.models import ProfileFlags
from tests.workers.conftest import RunningWorker, open_case, start_worker, worker_settings
from tests.workers.fake_gateway import FakeGateway
from tests.workers.recording_server import Answer, recording_server

PENSIONER = ProfileFlags(has_pension=True)


async def test_redelivered_stop_pension_job_stops_the_pension_once(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger, profile=PENSIONER)
    key = running.gateway.add_job("hrss.stop-pension", {"caseId": case.id})
    await running.wait(lambda g: len(g.completed) == 1)
    # The engine hands the same job out again (e.g. its completion was lost).
    running.gateway.add_job("hrss.stop-pension", {"caseId": case.id}, key=key)
    await running.wait(lambda g: len(g.completed) == 2)
    first, second = running.gateway.completed
    assert first[0] == second[0] == key
    assert first[1] == second[1]  # same variables both times
    assert set(first[1]) == {"pensionStoppedAt"}
    stops = [a for a in ledger.actions_for(case.id) if a.action is ActionKind.PENSION_STOPPED]
    assert len(stops) == 1


async def test_register_case_flags_a_late_report_and_writes_timer_variables(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger, delay=timedelta(hours=13))
    running.gateway.add_job(
        "hotline.register-case",
        {
            "caseId": case.id,
            "diedAt": case.deceased.died_at.isoformat(),
            "reportedAt": case.reported_at.isoformat(),
            "township": case.township.value,
            "idType": "citizen_id",
            "profile": {"hasPension": True, "receivesWelfare": []},
        },
    )
    await running.wait(lambda g: len(g.completed) == 1)
    variables = running.gateway.completed[0][1]
    assert variables["reportLate"] is True
    assert variables["reportLatenessMinutes"] == 13 * 60
    # the branch flags are the process's own decision (Task_DecideDownstream, affairs.dmn)
    assert not [name for name in variables if name.startswith("needs")]
    for name in ("householdDeregistrationDueAt", "householdDeregistrationReminderAt"):
        assert datetime.fromisoformat(variables[name]).utcoffset() == timedelta(hours=8)
    due = datetime.fromisoformat(variables["householdDeregistrationDueAt"])
    reminder = datetime.fromisoformat(variables["householdDeregistrationReminderAt"])
    assert due - reminder == timedelta(days=7)


async def test_directive_is_sent_once_and_redelivery_keeps_directive_at(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger)
    job = {"caseId": case.id, "township": case.township.value, "needsPensionStop": True}
    headers = {"template": "death_summary"}
    key = running.gateway.add_job("hotline.push-directive", job, headers=headers)
    await running.wait(lambda g: len(g.completed) == 1)
    running.gateway.add_job("hotline.push-directive", job, headers=headers, key=key)
    await running.wait(lambda g: len(g.completed) == 2)
    (_, first), (_, second) = running.gateway.completed
    assert first == second
    assert "hrss" in first["directiveUnits"] and "dpf" not in first["directiveUnits"]
    summaries = [n for n in running.sink.read() if n["template"] == "death_summary"]
    assert len(summaries) == 1
    [accepted] = [n for n in running.sink.read() if n["template"] == "case_accepted"]
    assert case.family_contact is not None
    assert accepted["recipients"] == [case.family_contact.phone]
    assert "/family/" in str(accepted["text"])
    assert str(case.deceased.id_number) not in str(summaries[0])  # masked for the work group
    stored = ledger.get_case(case.id, running.ctx.ledger.actor)  # type: ignore[attr-defined]
    assert stored.stage is CaseStage.DIRECTED


async def test_household_outside_the_county_is_a_bpmn_error_with_the_place(
    tmp_path: Path, ledger: Ledger, gateway: FakeGateway
) -> None:
    case = open_case(ledger)
    refusal = {
        "code": "HOUSEHOLD_NOT_IN_COUNTY",
        "message": "户籍不在本县",
        "variables": {"householdRegistrationPlace": "330203"},
    }
    with recording_server(Answer(status=422, body=refusal)) as police:
        settings = worker_settings(tmp_path, gateway, shenhou_dept_police_url=police.url)
        async for running in start_worker(settings, ledger, gateway):
            running.gateway.add_job("police.deregister-household", {"caseId": case.id})
            await running.wait(lambda g: len(g.errors) == 1)
    [error] = gateway.errors
    assert error.errorCode == "HOUSEHOLD_NOT_IN_COUNTY"
    assert '"householdRegistrationPlace": "330203"' in error.variables
    assert police.requests[0].path == "/actions/household_deregistration"
    assert police.requests[0].headers["idempotency-key"] == (
        f"{case.id}:police:household_deregistration"
    )
    assert ledger.find_action(case.id, Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION) is None


async def test_department_down_fails_the_job_with_back_off_and_records_nothing(
    tmp_path: Path, ledger: Ledger, gateway: FakeGateway
) -> None:
    case = open_case(ledger, profile=PENSIONER)
    with recording_server() as dead:
        url = dead.url  # closed when the block ends: connection refused afterwards
    settings = worker_settings(tmp_path, gateway, shenhou_dept_hrss_url=url)
    async for running in start_worker(settings, ledger, gateway):
        running.gateway.add_job("hrss.stop-pension", {"caseId": case.id}, retries=2)
        await running.wait(lambda g: len(g.failed) == 1)
    [failure] = gateway.failed
    assert failure.retries == 1
    assert failure.retryBackOff >= 1000
    assert str(case.deceased.id_number) not in failure.errorMessage
    assert ledger.find_action(case.id, Unit.HRSS, ActionKind.PENSION_STOPPED) is None


async def test_family_notice_goes_to_the_family_phone_once(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger)
    assert case.family_contact is not None
    headers = {"template": "case_closed", "to": "family"}
    key = running.gateway.add_job("notify.send", {"caseId": case.id}, headers=headers)
    await running.wait(lambda g: len(g.completed) == 1)
    running.gateway.add_job("notify.send", {"caseId": case.id}, headers=headers, key=key)
    await running.wait(lambda g: len(g.completed) == 2)
    sent = [n for n in running.sink.read() if n["template"] == "case_closed"]
    assert len(sent) == 1
    assert sent[0]["recipients"] == [case.family_contact.phone]
    assert "/family/" in str(sent[0]["text"])
    told = ledger.find_action(case.id, Unit.HOTLINE, ActionKind.FAMILY_NOTIFIED_COMPLETE)
    assert told is not None


async def test_escalation_is_recorded_once_per_reason(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger)
    headers = {"reason": "certificate-overdue", "template": "certificate_overdue"}
    running.gateway.add_job("supervisor.escalate", {"caseId": case.id}, headers=headers)
    running.gateway.add_job("supervisor.escalate", {"caseId": case.id}, headers=headers)
    await running.wait(lambda g: len(g.completed) == 2)
    assert [reason for reason, _, _ in ledger.escalations_for(case.id)] == ["certificate-overdue"]


async def test_copy_task_finds_the_copies_the_api_issued(
    running: RunningWorker, ledger: Ledger
) -> None:
    from domain.clock import now_in_shanghai
    from domain.enums import CertificateForm
    from domain.models import Certificate
    from tests.workers.conftest import HOTLINE

    case = open_case(ledger)
    ledger.record_certificate(
        Certificate(
            case_id=case.id,
            code=str(case.deceased.id_number),
            form=CertificateForm.PAPER,
            deceased_name=str(case.deceased.name),
            id_type=case.deceased.id_type,
            id_number=case.deceased.id_number,
            issuer_name="卫生院",
            issuer_uscc="12330226MB0000001H",
            issued_at=now_in_shanghai(),
        ),
        HOTLINE,
    )
    for n in (1, 2):  # what the API does for a request of two copies
        ledger.issue_copy(case.id, f"req-1:{n}", now_in_shanghai(), HOTLINE)
    request = {"requestId": "req-1", "copies": 2, "kind": "medical_certificate"}
    running.gateway.add_job("proof.issue-copy", {"caseId": case.id, "copyRequest": request})
    await running.wait(lambda g: len(g.completed) == 1)
    assert len(ledger.certificates_for(case.id)) == 3  # the original and the two copies


def test_payment_stop_is_the_month_after_death_but_not_before_three_working_days() -> None:
    from domain.clock import SHANGHAI
    from workers.hotline import payment_stop_due

    early = datetime(2026, 11, 3, 8, tzinfo=SHANGHAI)
    assert payment_stop_due(early, early) == datetime(2026, 12, 1, tzinfo=SHANGHAI)
    # Died and reported on Monday 30 November 2026: Tue, Wed, Thu are the 3 working days.
    late = datetime(2026, 11, 30, 8, tzinfo=SHANGHAI)
    assert payment_stop_due(late, late) == datetime(2026, 12, 4, tzinfo=SHANGHAI)


async def test_chase_names_only_the_units_that_have_not_acknowledged(
    running: RunningWorker, ledger: Ledger
) -> None:
    from domain.clock import now_in_shanghai
    from domain.models import DepartmentAction

    case = open_case(ledger)
    for unit in (Unit.HEALTH, Unit.POLICE):
        ledger.record_action(
            DepartmentAction(
                case_id=case.id,
                unit=unit,
                action=ActionKind.DIRECTIVE_ACKNOWLEDGED,
                done_at=now_in_shanghai(),
            ),
            running.ctx.ledger.actor,  # type: ignore[attr-defined]
        )
    units = ["health", "police", "civil_affairs", "grid"]
    running.gateway.add_job(
        "hotline.chase-acknowledgement",
        {"caseId": case.id, "directiveUnits": units},
        headers={"template": "acknowledgement_chase"},
    )
    await running.wait(lambda g: len(g.completed) == 1)
    [chase] = [n for n in running.sink.read() if n["template"] == "acknowledgement_chase"]
    assert "民政" in str(chase["text"]) and "网格员" in str(chase["text"])
    assert "公安" not in str(chase["text"]) and "卫生健康" not in str(chase["text"])


async def test_unit_notice_names_the_units_group_and_masks_the_deceased(
    running: RunningWorker, ledger: Ledger
) -> None:
    case = open_case(ledger)
    headers = {"template": "certificate_reminder", "to": "health"}
    running.gateway.add_job("notify.send", {"caseId": case.id}, headers=headers)
    await running.wait(lambda g: len(g.completed) == 1)
    [notice] = [n for n in running.sink.read() if n["template"] == "certificate_reminder"]
    assert str(case.deceased.name) not in str(notice)
    [record] = ledger.notifications_for(case.id)
    assert record.recipient == f"health.{case.township.name.lower()}"
    assert record.recipient_unit is Unit.HEALTH


async def test_two_actions_of_one_task_are_two_department_requests(
    tmp_path: Path, ledger: Ledger, gateway: FakeGateway
) -> None:
    from tests.workers.recording_server import Recorded

    case = open_case(ledger)

    def answer(request: Recorded) -> Answer:
        body = request.json()
        assert isinstance(body, dict)
        return Answer(
            body={
                "action": body["action"],
                "case_id": body["case_id"],
                "performed": True,
                "done_at": "2026-11-29T09:00:00+08:00",
                "reference": f"MZ-{body['action']}",
            }
        )

    with recording_server() as civil:
        civil.responder = answer
        settings = worker_settings(tmp_path, gateway, shenhou_dept_civil_url=civil.url)
        async for running in start_worker(settings, ledger, gateway):
            profile = {"receivesWelfare": ["minimum_living"]}
            running.gateway.add_job("civil.stop-welfare", {"caseId": case.id, "profile": profile})
            await running.wait(lambda g: len(g.completed) == 1)
    assert [r.path for r in civil.requests] == [
        "/actions/welfare_stopped",
        "/actions/funeral_subsidy",
    ]
    keys = {r.headers["idempotency-key"] for r in civil.requests}
    assert len(keys) == 2
    [(_, variables)] = gateway.completed
    assert variables["welfareStoppedAt"] == variables["funeralSubsidyDecidedAt"]
    assert variables["welfareStoppedAt"].endswith("+08:00")
    references = {a.reference for a in ledger.actions_for(case.id)}
    assert references == {"MZ-welfare_stopped", "MZ-funeral_subsidy"}


async def test_market_notice_records_the_business_action_once(
    running: RunningWorker, ledger: Ledger
) -> None:
    """The ledger requires market supervision's action for a business owner; the worker that
    tells market supervision records it, once, and a redelivery answers the same."""
    case = open_case(ledger, profile=ProfileFlags(is_business_owner=True))
    market = (Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION)
    assert market in ledger.outstanding_actions(case.id)
    key = running.gateway.add_job("market.notify", {"caseId": case.id})
    await running.wait(lambda g: len(g.completed) == 1)
    running.gateway.add_job("market.notify", {"caseId": case.id}, key=key)
    await running.wait(lambda g: len(g.completed) == 2)
    (_, first), (_, second) = running.gateway.completed
    assert first == second and set(first) == {"marketNotifiedAt"}
    assert market not in ledger.outstanding_actions(case.id)
    recorded = [a for a in ledger.actions_for(case.id) if a.unit is Unit.MARKET_SUPERVISION]
    assert [a.action for a in recorded] == [ActionKind.BUSINESS_DEREGISTRATION]
    notices = [n for n in running.sink.read() if n["template"] == "market_notice"]
    assert len(notices) == 1


async def test_market_supervision_over_http(
    tmp_path: Path, ledger: Ledger, gateway: FakeGateway
) -> None:
    case = open_case(ledger, profile=ProfileFlags(is_business_owner=True))
    done = {
        "action": "business_deregistration",
        "case_id": case.id,
        "performed": True,
        "done_at": "2026-11-29T09:00:00+08:00",
        "reference": "SJ-1",
    }
    with recording_server(Answer(body=done)) as market:
        settings = worker_settings(tmp_path, gateway, shenhou_dept_market_url=market.url)
        async for running in start_worker(settings, ledger, gateway):
            running.gateway.add_job("market.notify", {"caseId": case.id})
            await running.wait(lambda g: len(g.completed) == 1)
    assert market.requests[0].path == "/actions/business_deregistration"
    assert market.requests[0].headers["idempotency-key"] == (
        f"{case.id}:market_supervision:business_deregistration"
    )
    action = ledger.find_action(
        case.id, Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION
    )
    assert action is not None
