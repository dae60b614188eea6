"""The ledger on SQLite and PostgreSQL: one open case per deceased, idempotent writes, serials,
monthly unit tables, the audit log, and aware times."""

from __future__ import annotations

import random
import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.clock import SHANGHAI
from domain.enums import (
    ActionKind,
    CaseStage,
    CaseStatus,
    CertificateForm,
    IdType,
    IssueKind,
    Role,
    Unit,
)
from domain.errors import DomainError
from domain.fakes import SIMULATED_CLOCK, fake_death_report
from domain.ids import generate_uscc
from domain.ledger import CaseNotFound, Ledger
from domain.ledger.tables import CaseRow, DepartmentActionRow, NotificationRow
from domain.models import (
    Actor,
    Certificate,
    DeathReport,
    DepartmentAction,
    FamilyTrip,
    Notification,
    UnitRecord,
)

OPERATOR = Actor(id="op-7", role=Role.HOTLINE_OPERATOR, unit=Unit.HOTLINE)
POLICE = Actor(id="pol-3", role=Role.HOUSEHOLD_POLICE, unit=Unit.POLICE)
DIED = datetime(2026, 11, 28, 22, 0, tzinfo=SHANGHAI)


def report(seed: int = 1, **changes: Any) -> DeathReport:
    base = fake_death_report(random.Random(seed), DIED, report_delay=timedelta(hours=3))
    if not changes:
        return base
    data = base.model_dump()
    for path, value in changes.items():
        target = data
        *parents, leaf = path.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    return DeathReport.model_validate(data, context=SIMULATED_CLOCK)


def same_person_other_reporter(original: DeathReport, seed: int) -> DeathReport:
    other = fake_death_report(random.Random(seed), DIED, report_delay=timedelta(hours=5))
    return original.model_copy(
        update={"reporter": other.reporter, "reported_at": other.reported_at}
    )


# --- cases -------------------------------------------------------------------------------


def test_first_report_opens_a_case_with_aware_times(ledger: Ledger) -> None:
    outcome = ledger.record_report(report(), OPERATOR)
    assert outcome.created_case and not outcome.duplicate
    case = ledger.get_case(outcome.case.id, OPERATOR)
    assert case.status is CaseStatus.OPEN and case.stage is CaseStage.REPORTED
    assert case.deceased.died_at == DIED
    assert case.deceased.died_at.utcoffset() == timedelta(hours=8)
    assert case.reported_at == DIED + timedelta(hours=3)
    assert case.family_contact is not None


def test_second_report_of_same_person_joins_the_open_case(ledger: Ledger) -> None:
    first = report()
    opened = ledger.record_report(first, OPERATOR)
    joined = ledger.record_report(same_person_other_reporter(first, 99), OPERATOR)
    assert not joined.created_case
    assert joined.case.id == opened.case.id
    assert joined.case.report_count == 2
    assert len(ledger.list_cases(status=CaseStatus.OPEN)) == 1


def test_after_closing_a_new_report_opens_a_new_case(ledger: Ledger) -> None:
    first = ledger.record_report(report(), OPERATOR)
    closed = ledger.close_case(
        first.case.id, CaseStatus.CANCELLED, DIED + timedelta(hours=4), OPERATOR
    )
    assert closed.created
    assert not ledger.close_case(first.case.id, CaseStatus.CLOSED, DIED, OPERATOR).created
    again = ledger.record_report(report(), OPERATOR)
    assert again.created_case and again.case.id != first.case.id


def test_report_idempotency_key(ledger: Ledger) -> None:
    first = ledger.record_report(report(idempotency_key="call-1"), OPERATOR)
    again = ledger.record_report(report(idempotency_key="call-1"), OPERATOR)
    assert again.duplicate and again.report_id == first.report_id
    assert ledger.get_case(first.case.id, OPERATOR).report_count == 1


def test_reports_without_id_need_the_case_id_to_join(ledger: Ledger) -> None:
    unknown = report(
        deceased__id_type=IdType.NONE,
        deceased__id_number=None,
        deceased__name=None,
        deceased__sex=None,
        deceased__birth_date=None,
        deceased__no_id_reason="unidentified_body",
    )
    a = ledger.record_report(unknown, OPERATOR)
    b = ledger.record_report(unknown, OPERATOR)
    assert a.created_case and b.created_case and a.case.id != b.case.id
    joined = ledger.record_report(unknown, OPERATOR, case_id=a.case.id)
    assert joined.case.id == a.case.id and joined.case.report_count == 2
    with pytest.raises(DomainError) as info:
        ledger.record_report(
            report(seed=5), OPERATOR, case_id=ledger.record_report(report(seed=6), OPERATOR).case.id
        )
    assert info.value.code == "case.identity_mismatch"
    with pytest.raises(CaseNotFound):
        ledger.record_report(unknown, OPERATOR, case_id="nope")


def test_open_identity_is_unique_in_the_database(ledger: Ledger) -> None:
    case = ledger.record_report(report(), OPERATOR).case
    with pytest.raises(IntegrityError), Session(ledger.engine) as session, session.begin():
        row = session.get(CaseRow, case.id)
        assert row is not None
        clone = CaseRow(
            **{c.key: getattr(row, c.key) for c in CaseRow.__table__.columns if c.key != "id"},
            id="another",
        )
        session.add(clone)
        session.flush()
    # closed cases no longer hold the key: two closed cases of one person are fine
    ledger.close_case(case.id, CaseStatus.CANCELLED, DIED + timedelta(hours=5), OPERATOR)
    second = ledger.record_report(report(), OPERATOR).case
    ledger.close_case(second.id, CaseStatus.CANCELLED, DIED + timedelta(hours=6), OPERATOR)
    assert len(ledger.list_cases(status=CaseStatus.CANCELLED)) == 2


def test_concurrent_reports_of_one_death_make_one_case(ledger: Ledger) -> None:
    original = report()
    copies = [same_person_other_reporter(original, 100 + i) for i in range(8)]
    barrier = threading.Barrier(len(copies))
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def send(item: DeathReport) -> None:
        try:
            barrier.wait()
            outcomes.append(ledger.record_report(item, OPERATOR))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(item,)) for item in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len({o.case.id for o in outcomes}) == 1
    assert sum(o.created_case for o in outcomes) == 1
    case = ledger.get_case(outcomes[0].case.id, OPERATOR)
    assert case.report_count == len(copies)
    assert len(ledger.list_cases()) == 1


def test_steps_are_set_once_and_advance_the_stage(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    at = DIED + timedelta(hours=3, minutes=5)
    assert ledger.mark_step(case_id, "directive_at", at, OPERATOR).created
    replay = ledger.mark_step(case_id, "directive_at", at + timedelta(hours=1), OPERATOR)
    assert not replay.created and replay.value == at
    case = ledger.get_case(case_id, OPERATOR)
    assert case.stage is CaseStage.DIRECTED and case.directive_at == at
    assert case.certificate_due_at == at + timedelta(hours=24)
    ledger.set_process_instance(case_id, 2251799813685249)
    with pytest.raises(CaseNotFound):
        ledger.mark_step("missing", "directive_at", at, OPERATOR)


def test_a_step_stamped_before_the_previous_one_keeps_the_case_readable(ledger: Ledger) -> None:
    """Clocks differ (workers keep whole seconds, reporters send milliseconds): a directive
    stamped 400 ms before its report is stored at the report's time, not refused later."""
    case = ledger.record_report(report(), OPERATOR).case
    skewed = case.reported_at - timedelta(milliseconds=400)
    assert ledger.mark_step(case.id, "directive_at", skewed, OPERATOR).created
    ledger.close_case(case.id, CaseStatus.CLOSED, skewed, OPERATOR)
    stored = ledger.get_case(case.id, OPERATOR)
    assert stored.directive_at == case.reported_at
    assert stored.closed_at == case.reported_at


# --- department actions and notifications --------------------------------------------------


def action(case_id: str, unit: Unit, kind: ActionKind, at: datetime) -> DepartmentAction:
    return DepartmentAction.model_validate(
        {"case_id": case_id, "unit": unit, "action": kind, "done_at": at, "reference": "R-1"},
        context=SIMULATED_CLOCK,
    )


def test_department_actions_are_idempotent(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    at = DIED + timedelta(days=1)
    first = ledger.record_action(
        action(case_id, Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION, at), POLICE
    )
    replay = ledger.record_action(
        action(case_id, Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION, at + timedelta(hours=2)),
        POLICE,
    )
    assert first.created and not replay.created
    assert replay.value.done_at == at  # the first record stands
    assert [a.action for a in ledger.actions_for(case_id)] == [ActionKind.HOUSEHOLD_DEREGISTRATION]
    with pytest.raises(CaseNotFound):
        ledger.record_action(
            action("nope", Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION, at), POLICE
        )


def test_action_uniqueness_is_enforced_by_the_database(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    at = DIED + timedelta(days=1)
    ledger.record_action(action(case_id, Unit.FUNERAL_HOME, ActionKind.CREMATION, at), OPERATOR)
    with pytest.raises(IntegrityError), Session(ledger.engine) as session, session.begin():
        session.add(
            DepartmentActionRow(
                case_id=case_id,
                unit=Unit.FUNERAL_HOME,
                action=ActionKind.CREMATION,
                done_at=at,
                idempotency_key="different-key",
                details={},
                actor_id="x",
                recorded_at=at,
            )
        )
        session.flush()


def test_concurrent_action_redeliveries_store_one_row(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    item = action(case_id, Unit.HRSS, ActionKind.PENSION_STOPPED, DIED + timedelta(days=1))
    barrier = threading.Barrier(6)
    results: list[bool] = []

    def send() -> None:
        barrier.wait()
        results.append(ledger.record_action(item, OPERATOR).created)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False] * 5 + [True]


def test_outstanding_actions_follow_the_profile(ledger: Ledger) -> None:
    item = report(profile__has_pension=True, profile__has_disability_card=False)
    case_id = ledger.record_report(item, OPERATOR).case.id
    outstanding = ledger.outstanding_actions(case_id)
    assert (Unit.HRSS, ActionKind.PENSION_STOPPED) in outstanding
    ledger.record_action(
        action(case_id, Unit.HRSS, ActionKind.PENSION_STOPPED, DIED + timedelta(days=1)), OPERATOR
    )
    assert (Unit.HRSS, ActionKind.PENSION_STOPPED) not in ledger.outstanding_actions(case_id)


@pytest.mark.parametrize("id_type", [IdType.CITIZEN_ID, IdType.PASSPORT, IdType.NONE])
def test_household_deregistration_is_outstanding_only_with_a_household(
    ledger: Ledger, id_type: IdType
) -> None:
    """Only a citizen-ID holder has a household registration to cancel (the workers run that
    branch by the same rule, domain.downstream.has_household_registration): a passport holder's
    or an unidentified person's case must not wait for it."""
    item = fake_death_report(
        random.Random(11), DIED, report_delay=timedelta(hours=3), id_type=id_type
    )
    case_id = ledger.record_report(item, OPERATOR).case.id
    household = (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION)
    outstanding = ledger.outstanding_actions(case_id)
    assert (household in outstanding) is (id_type is IdType.CITIZEN_ID)
    assert (Unit.FUNERAL_HOME, ActionKind.CREMATION) in outstanding


def test_notifications_are_sent_once(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    note = Notification.model_validate(
        {
            "case_id": case_id,
            "channel": "sms",
            "template": "family.closed",
            "recipient": "13912345678",
            "sent_at": DIED + timedelta(days=2),
            "idempotency_key": f"{case_id}:family.closed",
        },
        context=SIMULATED_CLOCK,
    )
    assert ledger.record_notification(note, OPERATOR).created
    assert not ledger.record_notification(note, OPERATOR).created
    assert ledger.notification_sent(f"{case_id}:family.closed")
    assert not ledger.notification_sent("other")
    assert len(ledger.notifications_for(case_id)) == 1
    with pytest.raises(IntegrityError), Session(ledger.engine) as session, session.begin():
        session.add(
            NotificationRow(
                case_id=case_id,
                channel=note.channel,
                template="x",
                recipient="13912345678",
                sent_at=note.sent_at,
                idempotency_key=note.idempotency_key,
                variables={},
                recorded_at=note.sent_at,
            )
        )
        session.flush()


# --- certificates ----------------------------------------------------------------------------


def test_serials_per_issuer_and_year(ledger: Ledger) -> None:
    uscc = generate_uscc(random.Random(1))
    other = generate_uscc(random.Random(2))
    assert [ledger.allocate_certificate_serial(uscc, 2026) for _ in range(3)] == [1, 2, 3]
    assert ledger.allocate_certificate_serial(uscc, 2027) == 1
    assert ledger.allocate_certificate_serial(other, 2026) == 1


def test_concurrent_serials_are_distinct(ledger: Ledger) -> None:
    uscc = generate_uscc(random.Random(3))
    barrier = threading.Barrier(8)
    serials: list[int] = []

    def take() -> None:
        barrier.wait()
        serials.append(ledger.allocate_certificate_serial(uscc, 2026))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(serials) == list(range(1, 9))


def test_certificates_originals_reissues_and_reporting(ledger: Ledger) -> None:
    outcome = ledger.record_report(report(), OPERATOR)
    deceased = outcome.case.deceased
    uscc = generate_uscc(random.Random(4))
    original = Certificate.model_validate(
        {
            "case_id": outcome.case.id,
            "code": deceased.id_number,
            "form": CertificateForm.PAPER,
            "deceased_name": deceased.name,
            "id_type": deceased.id_type,
            "id_number": deceased.id_number,
            "issuer_name": "宁海县前童镇卫生院",
            "issuer_uscc": uscc,
            "issued_at": DIED + timedelta(hours=6),
        },
        context=SIMULATED_CLOCK,
    )
    assert ledger.record_certificate(original, OPERATOR).created
    assert not ledger.record_certificate(original, OPERATOR).created
    sequence = ledger.next_certificate_sequence(outcome.case.id, CertificateForm.PAPER)
    assert sequence == 2
    reissue = original.reissue(issued_at=DIED + timedelta(days=20), sequence_no=sequence)
    assert ledger.record_certificate(reissue, OPERATOR).created
    ledger.mark_certificate_reported(
        outcome.case.id, CertificateForm.PAPER, 1, DIED + timedelta(days=2)
    )
    stored = ledger.certificates_for(outcome.case.id)
    assert [c.issue_kind for c in stored] == [IssueKind.ORIGINAL, IssueKind.REISSUE]
    assert stored[0].reported_on_time is True and stored[0].parts == original.parts
    assert stored[1].code == stored[0].code


# --- monthly unit tables ---------------------------------------------------------------------


def unit_row(item: DeathReport, unit: Unit, **extra: Any) -> UnitRecord:
    d = item.deceased
    return UnitRecord.model_validate(
        {
            "unit": unit,
            "period": date(2026, 11, 1),
            "name": d.name,
            "id_number": d.id_number,
            "died_on": d.died_at.date(),
            "township": d.address.township,
            **extra,
        }
    )


def test_unit_tables_are_replaced_on_reupload(ledger: Ledger) -> None:
    a, b = report(seed=1), report(seed=2)
    period = date(2026, 11, 1)
    stored = ledger.store_unit_records(
        Unit.HRSS,
        period,
        [unit_row(a, Unit.HRSS, pension_last_paid_month=date(2026, 12, 1)), unit_row(b, Unit.HRSS)],
        OPERATOR,
    )
    assert stored == 2
    ledger.store_unit_records(
        Unit.HRSS,
        period,
        [unit_row(a, Unit.HRSS, pension_last_paid_month=date(2026, 11, 1))],
        OPERATOR,
    )
    ledger.store_unit_records(Unit.POLICE, period, [unit_row(b, Unit.POLICE)], OPERATOR)
    hrss = ledger.unit_records(period, OPERATOR, unit=Unit.HRSS)
    assert len(hrss) == 1 and hrss[0].pension_last_paid_month == date(2026, 11, 1)
    assert hrss[0].birth_date == a.deceased.birth_date
    assert len(ledger.unit_records(period, OPERATOR)) == 2
    with pytest.raises(DomainError) as info:
        ledger.store_unit_records(Unit.HRSS, period, [unit_row(a, Unit.HRSS)] * 2, OPERATOR)
    assert info.value.code == "unit_record.duplicate_row"
    with pytest.raises(DomainError):
        ledger.store_unit_records(Unit.HRSS, period, [unit_row(a, Unit.POLICE)], OPERATOR)


# --- audit ---------------------------------------------------------------------------------


def test_reads_and_changes_of_personal_data_are_audited(ledger: Ledger, clock: Any) -> None:
    case_id = ledger.record_report(report(), OPERATOR).case.id
    clock.now = clock.now + timedelta(minutes=5)
    ledger.get_case(case_id, POLICE, purpose="household deregistration")
    ledger.find_open_case(
        IdType.CITIZEN_ID, ledger.get_case(case_id, POLICE).deceased.id_number or "", POLICE
    )
    entries = ledger.audit_entries(case_id=case_id)
    assert [(e.action, e.entity) for e in entries[:3]] == [
        ("create", "case"),
        ("create", "report"),
        ("read", "case"),
    ]
    read = entries[2]
    assert read.actor_id == "pol-3" and read.actor_role == "household_police"
    assert read.purpose == "household deregistration" and "id_number" in read.fields
    assert read.at == clock.now and read.at.utcoffset() == timedelta(hours=8)
    assert entries[-1].purpose == "lookup by ID number"


# --- queries the API and the workers build on --------------------------------------------------


def test_search_cases_by_scope_lateness_and_page(ledger: Ledger) -> None:
    late = report(seed=21).model_copy(update={"reported_at": DIED + timedelta(hours=13)})
    late_case = ledger.record_report(late, OPERATOR).case
    assert not late_case.report_on_time
    others = [ledger.record_report(report(seed=s), OPERATOR).case for s in (22, 23, 24)]
    everything, total = ledger.search_cases(limit=2)
    assert total == 4 and len(everything) == 2
    late_only, total = ledger.search_cases(report_late=True)
    assert total == 1 and late_only[0].id == late_case.id
    _, total = ledger.search_cases(report_late=False)
    assert total == 3
    township = others[0].township
    scoped, total = ledger.search_cases(townships=[township.value])
    assert total >= 1 and all(c.township is township for c in scoped)
    none, total = ledger.search_cases(townships=[])
    assert none == [] and total == 0
    _, total = ledger.search_cases(died_from=DIED, died_to=DIED + timedelta(seconds=1))
    assert total == 4
    assert ledger.search_cases(died_from=DIED + timedelta(seconds=1))[1] == 0


def test_cases_without_process_and_process_key(ledger: Ledger) -> None:
    first = ledger.record_report(report(seed=31), OPERATOR).case
    second = ledger.record_report(report(seed=32), OPERATOR).case
    ledger.set_process_instance(first.id, 2251799813685249)
    assert [c.id for c in ledger.cases_without_process_instance()] == [second.id]
    assert ledger.get_case(first.id, OPERATOR).process_instance_key == 2251799813685249
    with pytest.raises(CaseNotFound):
        ledger.set_process_instance("missing", 1)


def test_reports_for_lists_joined_reports_and_is_audited(ledger: Ledger) -> None:
    first = report(seed=41)
    case_id = ledger.record_report(first, OPERATOR).case.id
    ledger.record_report(same_person_other_reporter(first, 42), OPERATOR)
    entries = ledger.reports_for(case_id, POLICE)
    assert [e.joined_existing for e in entries] == [False, True]
    assert entries[0].payload["deceased"]["id_number"] == first.deceased.id_number
    assert ledger.audit_entries(case_id=case_id)[-1].entity == "report"


def test_advance_moves_forward_only_and_closes(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(seed=51), OPERATOR).case.id
    t0 = DIED + timedelta(hours=4)
    assert ledger.advance(case_id, stage=CaseStage.DIRECTED, at=t0, actor=OPERATOR)
    assert ledger.advance(
        case_id, stage=CaseStage.CERTIFIED, at=t0 + timedelta(hours=2), actor=OPERATOR
    )
    assert ledger.advance(case_id, stage=CaseStage.DOWNSTREAM, at=t0, actor=OPERATOR)
    assert not ledger.advance(
        case_id, stage=CaseStage.DIRECTED, at=t0 + timedelta(hours=9), actor=OPERATOR
    )
    case = ledger.get_case(case_id, OPERATOR)
    assert case.stage is CaseStage.DOWNSTREAM and case.directive_at == t0
    assert ledger.advance(
        case_id,
        stage=CaseStage.COMPLETED,
        status=CaseStatus.CLOSED,
        at=t0 + timedelta(days=3),
        actor=OPERATOR,
    )
    case = ledger.get_case(case_id, OPERATOR)
    assert case.status is CaseStatus.CLOSED and case.closed_at == t0 + timedelta(days=3)
    assert case.downstream_done_at == t0 + timedelta(days=3)
    assert ledger.find_open_case(IdType.CITIZEN_ID, case.deceased.id_number or "", OPERATOR) is None


def test_action_lookups_and_acknowledgements(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(seed=61), OPERATOR).case.id
    at = DIED + timedelta(hours=4)
    for unit in (Unit.HEALTH, Unit.POLICE):
        ledger.record_action(action(case_id, unit, ActionKind.DIRECTIVE_ACKNOWLEDGED, at), POLICE)
    assert ledger.acknowledged_units(case_id) == {Unit.HEALTH, Unit.POLICE}
    entry = ledger.find_action(case_id, Unit.POLICE, ActionKind.DIRECTIVE_ACKNOWLEDGED)
    assert entry is not None and entry.actor_id == "pol-3" and entry.action.done_at == at
    assert ledger.find_action(case_id, Unit.DPF, ActionKind.DIRECTIVE_ACKNOWLEDGED) is None
    assert len(ledger.action_log(case_id)) == 2


def test_escalations_once_per_reason(ledger: Ledger) -> None:
    case_id = ledger.record_report(report(seed=71), OPERATOR).case.id
    at = DIED + timedelta(days=1, hours=4)
    assert ledger.record_escalation(
        case_id, "certificate_overdue", at, OPERATOR, unit=Unit.HEALTH
    ).created
    again = ledger.record_escalation(
        case_id, "certificate_overdue", at + timedelta(hours=1), OPERATOR
    )
    assert not again.created and again.value == at
    assert ledger.escalations_for(case_id) == [("certificate_overdue", Unit.HEALTH, at)]
    with pytest.raises(CaseNotFound):
        ledger.record_escalation("missing", "x", at, OPERATOR)


def test_copies_once_per_request_without_limit(ledger: Ledger) -> None:
    outcome = ledger.record_report(report(seed=81), OPERATOR)
    case_id = outcome.case.id
    with pytest.raises(DomainError) as info:
        ledger.issue_copy(case_id, "req-0", DIED + timedelta(days=1), OPERATOR)
    assert info.value.code == "certificate.none_issued"
    deceased = outcome.case.deceased
    original = Certificate.model_validate(
        {
            "case_id": case_id,
            "code": deceased.id_number,
            "form": "paper",
            "deceased_name": deceased.name,
            "id_type": deceased.id_type,
            "id_number": deceased.id_number,
            "issuer_name": "宁海县黄坛镇卫生院",
            "issuer_uscc": generate_uscc(random.Random(8)),
            "issued_at": DIED + timedelta(hours=5),
        },
        context=SIMULATED_CLOCK,
    )
    ledger.record_certificate(original, OPERATOR)
    copies = [
        ledger.issue_copy(case_id, f"req-{i}", DIED + timedelta(days=i), OPERATOR)
        for i in (1, 2, 3)
    ]
    replay = ledger.issue_copy(case_id, "req-2", DIED + timedelta(days=9), OPERATOR)
    assert all(c.created for c in copies) and not replay.created
    assert [c.value.sequence_no for c in copies] == [2, 3, 4]
    assert replay.value.sequence_no == 3
    assert {c.value.code for c in copies} == {original.code}
    assert all(c.value.issue_kind is IssueKind.COPY for c in copies)
    current = ledger.current_certificate(case_id)
    assert current is not None and current.issue_kind is IssueKind.ORIGINAL
    assert ledger.current_certificate(case_id, CertificateForm.ELECTRONIC) is None
    note_key = f"{case_id}:x"
    assert ledger.find_notification(note_key) is None


def test_family_trips_are_counted_for_the_zero_trip_figure(ledger: Ledger) -> None:
    zero = ledger.record_report(report(seed=91), OPERATOR).case.id
    one = ledger.record_report(report(seed=92), OPERATOR).case.id
    trip = FamilyTrip.model_validate(
        {
            "case_id": one,
            "unit": "police",
            "at": DIED + timedelta(days=2),
            "purpose": "补办户口注销证明",
            "idempotency_key": "trip-1",
        },
        context=SIMULATED_CLOCK,
    )
    assert ledger.record_family_trip(trip, POLICE).created
    assert not ledger.record_family_trip(trip, POLICE).created
    unkeyed = trip.model_copy(update={"idempotency_key": None})
    assert ledger.record_family_trip(unkeyed, POLICE).created
    counts = ledger.family_trip_counts()
    assert counts == {one: 2} and zero not in counts
    assert ledger.family_trip_counts([zero]) == {}


def test_search_with_an_actor_audits_every_case_shown(ledger: Ledger) -> None:
    ids = [ledger.record_report(report(seed=s), OPERATOR).case.id for s in (101, 102)]
    ledger.search_cases(actor=POLICE, purpose="township list")
    for case_id in ids:
        reads = [e for e in ledger.audit_entries(case_id=case_id) if e.action == "read"]
        assert [(e.actor_id, e.purpose) for e in reads] == [("pol-3", "township list")]
    ledger.search_cases()  # system caller: nothing audited
    assert len([e for e in ledger.audit_entries() if e.action == "read"]) == 2
    with pytest.raises(CaseNotFound) as info:
        ledger.get_case("missing", POLICE)
    assert info.value.code == "case.not_found"
