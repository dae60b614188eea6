"""Systems with their own worker settings: a worker killed in the middle of a job, and a
deregistration that stays open until its legal deadline is near."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.enums import ActionKind, CaseStatus, Unit
from tests.e2e.system import ACK_TOKENS, System, wait_for
from tests.e2e.test_after_death_affairs import FULL_PROFILE, certify, directed, report
from tests.workers.recording_server import Answer, RecordingServer, recording_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def crashing_system(tmp_path: Path) -> Iterator[System]:
    running = System(tmp_path, SHENHOU_WORKER_CRASH_AFTER_ACTION="hrss.stop-pension").start()
    try:
        yield running
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


def test_worker_killed_in_the_middle_of_a_job_does_not_act_twice(
    crashing_system: System,
) -> None:
    system = crashing_system
    case_id = report(system, 201, profile=FULL_PROFILE)["case_id"]
    for unit in directed(system, case_id):
        system.post(f"/cases/{case_id}/acknowledgements", ACK_TOKENS[unit], {"unit": unit})
    certify(system, case_id)
    # The worker stops the pension, then dies before completing the job.
    assert system.workers.process is not None
    assert system.workers.process.wait(60) == 70
    assert system.ledger.find_action(case_id, Unit.HRSS, ActionKind.PENSION_STOPPED)
    system.workers = system.new_workers()  # a fresh worker process, no crash hook
    system.workers.start()
    system.advance(minutes=2)  # past the job timeout: the engine hands the job out again
    wait_for(
        lambda: system.ledger.find_action(case_id, Unit.HRSS, ActionKind.SURVIVOR_BENEFITS),
        timeout=60,
        what="the branch after the redelivered job",
    )
    stops = [
        a for a in system.ledger.actions_for(case_id) if a.action is ActionKind.PENSION_STOPPED
    ]
    assert len(stops) == 1


@pytest.fixture
def slow_police() -> Iterator[RecordingServer]:
    with recording_server(Answer(status=503, body={"message": "busy"})) as server:
        yield server


@pytest.fixture
def police_system(tmp_path: Path, slow_police: RecordingServer) -> Iterator[System]:
    running = System(
        tmp_path, SHENHOU_DEPT_POLICE_URL=slow_police.url, SHENHOU_DEPT_RETRIES="0"
    ).start()
    try:
        yield running
    finally:
        running.stop()


def test_deregistration_deadline_reminder(
    police_system: System, slow_police: RecordingServer
) -> None:
    system = police_system
    case_id = report(system, 202)["case_id"]
    directed(system, case_id)
    certify(system, case_id)
    # The police system is busy: the deregistration task stays open (failing, retried).
    wait_for(lambda: slow_police.requests, what="the worker calling the police system")
    # 7 days before the legal deadline (one month after the death) the police are reminded.
    system.advance(days=25)
    wait_for(
        lambda: system.notices(case_id, "deregistration_reminder"), timeout=30, what="reminder"
    )
    assert system.case(case_id).status is CaseStatus.OPEN
    assert (
        system.ledger.find_action(case_id, Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION) is None
    )


@pytest.fixture
def outside_police() -> Iterator[RecordingServer]:
    refusal = {
        "code": "HOUSEHOLD_NOT_IN_COUNTY",
        "message": "户籍不在本县",
        "variables": {"householdRegistrationPlace": "330203"},
    }
    with recording_server(Answer(status=422, body=refusal)) as server:
        yield server


def test_household_registered_elsewhere_is_forwarded(
    tmp_path: Path, outside_police: RecordingServer
) -> None:
    system = System(tmp_path, SHENHOU_DEPT_POLICE_URL=outside_police.url).start()
    try:
        case_id = report(system, 203)["case_id"]
        directed(system, case_id)
        certify(system, case_id)
        [forward] = wait_for(
            lambda: system.notices(case_id, "deregistration_forward"), what="forwarded"
        )
        assert "330203" in forward["text"]
        assert system.incidents() == []  # a BPMN error the diagram handles, not an incident
    except BaseException:
        print(system.logs())
        raise
    finally:
        system.stop()
