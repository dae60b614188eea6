"""The diagram behaves as the contract says, run on the embedded engine in-process.

The test plays every worker and every API callback itself, with exactly the job types, variables,
message names and correlation keys of bpmn/README.md, and moves the engine's controlled clock to
make the deadlines fire (never sleeping for one). It checks the paths of the issue: the normal case
to the end, the 12 h lateness, acknowledgement chasing, certificate reminders and escalation, the
non-normal death handed to the police, the branches chosen by the profile, the household error,
the 15 / 5 working-day reporting deadlines and unlimited certificate copies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.runtime import Clock, Engine
from tests.bpmn.diagram import BPMN_DIR, MAIN_DIAGRAM

AFFAIRS = BPMN_DIR / "affairs.dmn"

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # a Monday morning
CASE = "SH-330226-20261130-0001"
HOUR = 3_600_000
EVERYTHING = {
    "hasPension": True,
    "hasSocialInsurance": True,
    "receivesWelfare": ["old_age_allowance"],
    "hasDisabilityCard": True,
    "isBusinessOwner": True,
}
NOT_CREMATED = {"crematedLocally": False}  # cremated elsewhere: no funeral-home branch
NOTHING = {
    "hasPension": False,
    "hasSocialInsurance": False,
    "receivesWelfare": [],
    "hasDisabilityCard": False,
    "isBusinessOwner": False,
}


def iso(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat()


def start_variables(case_id: str = CASE, **overrides: Any) -> dict[str, Any]:
    variables = {
        "caseId": case_id,
        "diedAt": iso(T0 - timedelta(hours=7)),
        "reportedAt": iso(T0 - timedelta(minutes=5)),
        "township": "桃源街道",
        "village": "城东村",
        "placeOfDeath": "home",
        "idType": "citizen_id",
        "reporterRole": "grid_worker",
        "profile": EVERYTHING,
    }
    variables.update(overrides)
    return variables


class Case:
    """Plays the workers and the API for one engine: activate by type, complete, publish."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    async def jobs(self, job_type: str, count: int = 1, timeout: float = 5.0) -> list[Any]:
        """Exactly ``count`` jobs of ``job_type`` (waits briefly for the writer, never for time)."""
        found: list[Any] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(found) < count:
            found += await self.engine.activate_jobs(
                job_type=job_type,
                worker="test",
                timeout_ms=3_600_000_000,
                max_jobs=count - len(found),
            )
            if len(found) >= count:
                break
            if loop.time() > deadline:
                incidents = await self.engine.inspect(
                    lambda m: [(i.element_id, i.message) for i in m.s.incidents.values()]
                )
                raise AssertionError(
                    f"expected {count} {job_type} job(s), got {len(found)}; incidents: {incidents}"
                )
            await asyncio.sleep(0.01)
        return found

    async def no_job(self, job_type: str) -> None:
        await self.engine.inspect(lambda m: None)  # let the writer run whatever is due
        await asyncio.sleep(0.05)
        await self.engine.inspect(lambda m: None)
        jobs = await self.engine.activate_jobs(
            job_type=job_type, worker="test", timeout_ms=1, max_jobs=5
        )
        assert jobs == [], [(j.element_id, j.custom_headers) for j in jobs]

    async def at(self, job_type: str, element_id: str, timeout: float = 5.0) -> Any:
        """The job of ``job_type`` at ``element_id``; other jobs of the type stay taken (reminders
        that fired on the way, which the scenario does not care about)."""
        seen: list[str] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for job in await self.engine.activate_jobs(
                job_type=job_type, worker="test", timeout_ms=3_600_000_000, max_jobs=50
            ):
                if job.element_id == element_id:
                    return job
                seen.append(job.element_id)
            if loop.time() > deadline:
                raise AssertionError(f"no {job_type} job at {element_id}; saw {seen}")
            await asyncio.sleep(0.01)

    async def complete(
        self, job_type: str, variables: dict[str, Any] | None = None, element_id: str | None = None
    ) -> Any:
        if element_id is None:
            (job,) = await self.jobs(job_type)
        else:
            job = await self.at(job_type, element_id)
        await self.engine.complete_job(job.key, variables or {})
        return job

    async def publish(
        self, name: str, variables: dict[str, Any] | None = None, key: str = CASE
    ) -> None:
        await self.engine.publish_message(
            name=name, correlation_key=key, time_to_live_ms=60_000, variables=variables or {}
        )

    # --- the steps every scenario shares --------------------------------------------------------

    async def register(self, late: bool = False) -> None:
        """12345 registers the case; the branches are the decision table's (``profile``)."""
        died = T0 - timedelta(hours=7)
        await self.complete(
            "hotline.register-case",
            {
                "reportLatenessMinutes": 13 * 60 if late else 7 * 60,
                "reportLate": late,
                "householdDeregistrationDueAt": iso(died + timedelta(days=31)),
                "householdDeregistrationReminderAt": iso(died + timedelta(days=24)),
                "paymentStopDueAt": iso(T0 + timedelta(days=5)),
            },
        )

    async def direct(self, units: tuple[str, ...] = ("health", "police")) -> Any:
        """Push the directive; the grid worker's request goes out with it (returned)."""
        await self.complete(
            "hotline.push-directive",
            {"directiveAt": iso(T0), "directiveUnits": list(units)},
            element_id="Task_PushDirective",
        )
        return await self.complete("notify.send", element_id="Task_RequestNoticeDelivery")

    async def certify(self, electronic: bool = True) -> None:
        await self.complete("health.dispatch-doctor", {"doctorDispatchedAt": iso(T0)})
        await self.publish(
            "certificate-issued",
            {
                "certificateCode": "330226194501011234",
                "certificateForms": ["paper", "electronic"] if electronic else ["paper"],
                "certificateIssuedAt": iso(T0 + timedelta(hours=3)),
            },
        )
        await self.complete(
            "health.record-certificate",
            {
                "paperCertificate": True,
                "electronicCertificate": electronic,
                "paperReportDueAt": iso(T0 + timedelta(days=22)),
                "paperReportReminderAt": iso(T0 + timedelta(days=21)),
                "electronicExchangeDueAt": iso(T0 + timedelta(days=8)),
                "electronicExchangeReminderAt": iso(T0 + timedelta(days=7)),
            },
        )


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    clock = Clock(controlled=True)
    clock.pin(int(T0.timestamp() * 1000))
    eng = Engine(None, clock=clock, synchronous="NORMAL")
    await eng.start()
    await eng.deploy([(p.name, p.read_bytes()) for p in (MAIN_DIAGRAM, AFFAIRS)])
    try:
        yield eng
    finally:
        await eng.stop()


async def test_a_normal_case_runs_to_the_end(engine: Any) -> None:
    case = Case(engine)
    result = asyncio.create_task(
        engine.create_process_instance_with_result(
            bpmn_process_id="after-death-affairs", variables=start_variables()
        )
    )
    await case.register()
    await case.no_job("supervisor.record-late-report")
    # the grid worker is asked to deliver the notice; the units acknowledge, one key per unit
    request = await case.direct()
    assert request.custom_headers == {"template": "home_visit_request", "to": "grid"}
    await case.publish("directive-acknowledged", key=f"{CASE}:health")
    await case.publish("directive-acknowledged", key=f"{CASE}:police")
    await case.publish("notice-delivered", {"noticeDeliveredAt": iso(T0 + timedelta(hours=2))})
    await case.certify()
    # the certificate starts every branch the profile chose
    await case.complete("funeral.schedule-cremation", {"cremationBookedAt": iso(T0)})
    await case.complete("police.deregister-household", {"householdDeregisteredAt": iso(T0)})
    await case.complete("civil.stop-welfare", {"welfareStoppedAt": iso(T0)})
    await case.complete("hrss.stop-pension", {"pensionStoppedAt": iso(T0)})
    await case.complete("hrss.settle-survivor-benefits", {"survivorBenefitsSettledAt": iso(T0)})
    await case.complete("dpf.cancel-disability-card", {"disabilityCardCancelledAt": iso(T0)})
    await case.complete("market.notify", {"marketNotifiedAt": iso(T0)})
    await case.no_job("notify.send")  # the family is told only when every branch is done
    await case.publish("cremation-recorded", {"crematedAt": iso(T0 + timedelta(days=1))})
    told = await case.complete("notify.send", element_id="Task_NotifyFamilyDone")
    assert told.custom_headers == {"template": "case_closed", "to": "family"}
    await case.no_job("hotline.close-case")  # the certificate is still to be reported
    await case.publish("paper-certificate-reported", {"paperReportedAt": iso(T0)})
    await case.publish("electronic-certificate-exchanged", {"electronicExchangedAt": iso(T0)})
    await case.complete("hotline.close-case", {"closedAt": iso(T0 + timedelta(days=2))})
    done = await asyncio.wait_for(result, 5)
    assert done.variables["closedAt"] == iso(T0 + timedelta(days=2))
    assert done.variables["noticeDeliveredAt"] == iso(T0 + timedelta(hours=2))


async def test_a_late_report_is_recorded(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables()
    )
    await case.register(late=True)
    job = await case.complete("supervisor.record-late-report")
    assert job.custom_headers == {"template": "late_report"}
    await case.jobs("hotline.push-directive")


async def test_certificate_reminders_and_escalation_are_timers(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables()
    )
    await case.register()
    await case.direct()
    await case.complete("health.dispatch-doctor")
    for unit in ("health", "police"):
        await case.publish("directive-acknowledged", key=f"{CASE}:{unit}")
    engine.clock.add(18 * HOUR - 60_000)
    await case.no_job("notify.send")
    engine.clock.add(60_000)  # 18 h after the directive: 6 h left
    first = await case.complete("notify.send", element_id="Task_RemindCertificateFirst")
    assert first.custom_headers == {"template": "certificate_reminder", "to": "health"}
    engine.clock.add(2 * HOUR)  # 20 h: the grid worker has not confirmed the notice either
    await case.complete("notify.send", element_id="Task_RemindNoticeDelivery")
    engine.clock.add(2 * HOUR)  # 22 h
    await case.complete("notify.send", element_id="Task_RemindCertificateSecond")
    await case.no_job("supervisor.escalate")
    engine.clock.add(2 * HOUR)  # 24 h: the deadline
    escalation = await case.complete("supervisor.escalate", element_id="Task_EscalateCertificate")
    assert escalation.custom_headers == {
        "reason": "certificate-overdue",
        "template": "certificate_overdue",
    }
    # the escalation does not end the wait: the late certificate still starts the downstream
    await case.publish("certificate-issued", {"certificateCode": "x", "certificateForms": []})
    await case.jobs("health.record-certificate")


async def test_unacknowledged_units_are_chased_then_escalated(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables()
    )
    await case.register()
    await case.direct(units=("health", "police", "civil_affairs"))
    await case.publish("directive-acknowledged", key=f"{CASE}:health")
    await case.no_job("hotline.chase-acknowledgement")
    for _ in range(3):  # R3/PT1H: hourly, three times
        engine.clock.add(HOUR)
        await case.complete("hotline.chase-acknowledgement")
    engine.clock.add(HOUR)  # 4 h: stop waiting, escalate
    escalation = await case.complete(
        "supervisor.escalate", element_id="Task_EscalateAcknowledgements"
    )
    assert escalation.custom_headers["reason"] == "directive-unacknowledged"
    await case.no_job("hotline.chase-acknowledgement")


async def test_a_non_normal_death_goes_to_the_police_and_ends_the_case(engine: Any) -> None:
    case = Case(engine)
    result = asyncio.create_task(
        engine.create_process_instance_with_result(
            bpmn_process_id="after-death-affairs", variables=start_variables()
        )
    )
    await case.register()
    await case.direct()
    await case.complete("health.dispatch-doctor")
    await case.publish("non-normal-death-found", {"nonNormalFinding": "外伤可疑"})
    handover = await case.complete("police.take-over-case", {"handedToPoliceAt": iso(T0)})
    assert handover.custom_headers == {"template": "police_handover"}
    done = await asyncio.wait_for(result, 5)  # the terminate end event ends every branch
    assert done.variables["handedToPoliceAt"] == iso(T0)
    engine.clock.add(48 * HOUR)
    await case.no_job("notify.send")
    await case.no_job("supervisor.escalate")


async def test_the_profile_chooses_the_downstream_branches(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables(profile=NOTHING)
    )
    await case.register()
    await case.direct()
    await case.certify(electronic=False)
    await case.complete("funeral.schedule-cremation")
    await case.complete("civil.stop-welfare")  # the funeral subsidy is checked for everyone
    for job_type in ("hrss.stop-pension", "dpf.cancel-disability-card", "market.notify"):
        await case.no_job(job_type)
    await case.publish("cremation-recorded", {"crematedAt": iso(T0)})
    await case.no_job("notify.send")  # household deregistration is still open
    await case.complete("police.deregister-household")
    await case.complete("notify.send", element_id="Task_NotifyFamilyDone")


async def test_household_outside_the_county_is_forwarded(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables(profile=NOT_CREMATED)
    )
    await case.register()
    await case.direct()
    await case.certify()
    (job,) = await case.jobs("police.deregister-household")
    await engine.throw_error(
        job.key,
        "HOUSEHOLD_NOT_IN_COUNTY",
        "registered in 330205",
        {"householdRegistrationPlace": "330205"},
    )
    forwarded = await case.complete("police.forward-deregistration")
    assert forwarded.variables["householdRegistrationPlace"] == "330205"
    await case.complete("civil.stop-welfare")  # the funeral subsidy check
    await case.complete("notify.send", element_id="Task_NotifyFamilyDone")


async def test_household_deadline_reminder_and_escalation(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables(profile=NOT_CREMATED)
    )
    await case.register()
    await case.direct()
    await case.certify()
    await case.jobs("police.deregister-household")  # taken, not done: the police are slow
    died = T0 - timedelta(hours=7)
    engine.clock.pin(int((died + timedelta(days=24)).timestamp() * 1000))
    reminder = await case.complete("notify.send", element_id="Task_RemindHousehold")
    assert reminder.custom_headers == {"template": "deregistration_reminder", "to": "police"}
    engine.clock.pin(int((died + timedelta(days=31)).timestamp() * 1000))
    escalation = await case.complete("supervisor.escalate", element_id="Task_EscalateHousehold")
    assert escalation.custom_headers["reason"] == "household-deregistration-overdue"


async def test_reporting_deadlines_in_working_days_are_date_timers(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables(profile=NOTHING)
    )
    await case.register()
    await case.direct()
    await case.certify(electronic=True)
    engine.clock.pin(int((T0 + timedelta(days=7)).timestamp() * 1000))
    await case.complete("notify.send", element_id="Task_RemindElectronicReport")
    engine.clock.pin(int((T0 + timedelta(days=8)).timestamp() * 1000))
    late = await case.complete("supervisor.escalate", element_id="Task_EscalateElectronicReport")
    assert late.custom_headers["reason"] == "electronic-exchange-overdue"
    await case.publish("electronic-certificate-exchanged", {"electronicExchangedAt": iso(T0)})
    engine.clock.pin(int((T0 + timedelta(days=22)).timestamp() * 1000))
    await case.complete("notify.send", element_id="Task_RemindPaperReport")
    await case.complete("supervisor.escalate", element_id="Task_EscalatePaperReport")


async def test_certificate_copies_any_number_of_times(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables()
    )
    for n in (1, 2, 3):
        request = {"requestId": f"r{n}", "kind": "medical_certificate", "copies": n}
        await case.publish("certificate-copy-requested", {"copyRequest": request})
    jobs = await case.jobs("proof.issue-copy", count=3)
    # each request keeps its own copyRequest (local to its event subprocess instance)
    assert sorted(j.variables["copyRequest"]["copies"] for j in jobs) == [1, 2, 3]
    for job in jobs:
        await engine.complete_job(job.key, {})
    delivered = await case.jobs("notify.send", count=3)
    assert {j.element_id for j in delivered} == {"Task_DeliverProofCopy"}
    await case.jobs("hotline.register-case")  # the case itself goes on


# --- the decision table (bpmn/affairs.dmn) ----------------------------------------------------


async def taken_at(case: Case, job_type: str) -> set[str]:
    """Element ids of every ``job_type`` job open now (they stay taken)."""
    await case.engine.inspect(lambda m: None)  # let the writer run whatever is due
    jobs = await case.engine.activate_jobs(
        job_type=job_type, worker="test", timeout_ms=3_600_000_000, max_jobs=100
    )
    return {job.element_id for job in jobs}


async def test_the_decision_sets_the_branch_flags_from_the_profile(engine: Any) -> None:
    case = Case(engine)
    profile = {**NOTHING, "hasDisabilityCard": True}
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs",
        variables=start_variables(profile=profile, idType="passport"),
    )
    await case.register()
    (push,) = await case.jobs("hotline.push-directive")
    assert {k: v for k, v in push.variables.items() if k.startswith("needs")} == {
        "needsCremation": True,
        "needsHouseholdDeregistration": False,  # a passport: no 户口 to cancel
        "needsCivilAffairs": True,
        "needsPensionStop": False,
        "needsDisabilityCardCancel": True,
        "needsMarketNotice": False,
    }
    await engine.complete_job(push.key, {"directiveAt": iso(T0), "directiveUnits": ["health"]})
    await case.complete("notify.send", element_id="Task_RequestNoticeDelivery")
    await case.certify(electronic=False)
    await case.complete("funeral.schedule-cremation")
    await case.complete("civil.stop-welfare")
    await case.complete("dpf.cancel-disability-card")
    for job_type in ("police.deregister-household", "hrss.stop-pension", "market.notify"):
        await case.no_job(job_type)


async def test_cremation_and_market_deadlines_come_from_the_table(engine: Any) -> None:
    case = Case(engine)
    await engine.create_process_instance(
        bpmn_process_id="after-death-affairs", variables=start_variables()
    )
    await case.register()
    await case.direct()
    await case.certify()
    await case.complete("funeral.schedule-cremation")
    await case.jobs("market.notify")  # taken, not done: market supervision is slow
    died = T0 - timedelta(hours=7)
    engine.clock.pin(int((died + timedelta(hours=72) - timedelta(minutes=1)).timestamp() * 1000))
    assert "Task_RemindCremation" not in await taken_at(case, "notify.send")
    engine.clock.add(60_000)  # PT72H after the death (the table's cremation deadline)
    reminder = await case.at("notify.send", "Task_RemindCremation")
    assert reminder.custom_headers == {"template": "cremation_reminder", "to": "funeral_home"}
    # P5D (the table's) after market supervision got the task, at T0
    engine.clock.pin(int((T0 + timedelta(days=5) - timedelta(minutes=1)).timestamp() * 1000))
    assert "Task_EscalateNotifyMarketSupervision" not in await taken_at(case, "supervisor.escalate")
    engine.clock.add(60_000)
    escalation = await case.at("supervisor.escalate", "Task_EscalateNotifyMarketSupervision")
    assert escalation.custom_headers["reason"] == "market-notice-overdue"
