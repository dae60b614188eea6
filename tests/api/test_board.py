"""The case board: open cases by stage with deadlines, overdue first, within the caller's
townships and units; the pending steps and charts behind it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from api.board.charts import daily_volume, time_to_certificate
from api.board.pending import pending_steps
from domain.clock import SHANGHAI, now_in_shanghai
from domain.enums import ActionKind, CaseStage, Unit
from domain.fakes import fake_death_report
from domain.models import Case
from domain.models.report import ProfileFlags
from domain.ninghai import Township
from tests.api.conftest import Api


def _report_at(api: Api, seed: int, reported_ago: timedelta, township: Township) -> str:
    died_at = now_in_shanghai() - reported_ago - timedelta(hours=2)
    report = fake_death_report(
        random.Random(seed), died_at, report_delay=timedelta(hours=2), township=township
    )
    token = "t-grid-taoyuan" if township is Township.TAOYUAN else "t-grid-changjie"
    answer = api.post("/reports", token, report.model_dump(mode="json", exclude_none=True))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def test_overdue_cases_come_first_within_the_callers_scope(api: Api) -> None:
    fresh = _report_at(api, 1, timedelta(hours=1), Township.TAOYUAN)
    late = _report_at(api, 2, timedelta(hours=30), Township.TAOYUAN)
    other = _report_at(api, 3, timedelta(hours=3), Township.CHANGJIE)

    answer = api.get("/board/data", "t-supervisor")
    assert answer.status_code == 200, answer.text
    board = answer.json()
    reported = next(s for s in board["stages"] if s["stage"] == "reported")
    ids = [c["id"] for c in reported["cases"]]
    assert ids[0] == late and set(ids) == {fresh, late, other}
    first = reported["cases"][0]
    assert first["overdue"] is True
    assert first["next"]["action"] == "certificate_issued" and first["next"]["unit"] == "health"
    assert first["instance_url"].startswith("http://127.0.0.1:8080/console/instances/")
    assert (board["open"], board["overdue"]) == (3, 1)
    assert board["townships"][0] == {"township": "桃源街道", "open": 2, "overdue": 1}
    assert sum(d["reports"] for d in board["daily_volume"]) == 3
    assert len(board["daily_volume"]) == 30

    changjie = api.get("/board/data", "t-grid-changjie").json()
    assert [c["id"] for s in changjie["stages"] for c in s["cases"]] == [other]
    assert api.get("/board/data", "t-grid-changjie", township="桃源街道").status_code == 403

    police = api.get("/board/data", "t-police").json()  # nothing is at the police's desk yet
    assert police["scope"]["units"] == ["police"] and police["open"] == 0
    health = api.get("/board/data", "t-supervisor", unit="health").json()
    assert health["open"] == 3
    assert api.get("/board/data").status_code == 401


def test_the_board_page_is_served_with_a_strict_policy(api: Api) -> None:
    page = api.get("/board")
    assert page.status_code == 200 and "案件看板" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert api.get("/board/static/board.js").headers["content-type"].startswith("text/javascript")
    assert api.get("/board/static/../app.py").status_code == 404


def _case(stage: CaseStage, **changes: object) -> Case:
    died_at = datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI)
    report = fake_death_report(
        random.Random(7), died_at, report_delay=timedelta(hours=2), township=Township.TAOYUAN
    )
    fields: dict[str, object] = {
        "id": "C-1",
        "township": Township.TAOYUAN,
        "deceased": report.deceased,
        "reported_at": report.reported_at,
        "stage": stage,
        **changes,
    }
    return Case.model_validate(fields)


def test_after_the_certificate_each_unit_owes_its_own_step_by_its_own_deadline() -> None:
    directive = datetime(2026, 11, 2, 10, 30, tzinfo=SHANGHAI)
    certified = datetime(2026, 11, 2, 20, 0, tzinfo=SHANGHAI)
    case = _case(
        CaseStage.DOWNSTREAM,
        directive_at=directive,
        certificate_at=certified,
        profile=ProfileFlags(has_pension=True, has_disability_card=True),
    )
    steps = pending_steps(case, [ActionKind.CREMATION])
    assert [(s.action, s.unit) for s in steps] == [
        (ActionKind.PENSION_STOPPED, Unit.HRSS),
        (ActionKind.DISABILITY_CARD_CANCELLED, Unit.DPF),
        (ActionKind.HOUSEHOLD_DEREGISTRATION, Unit.POLICE),
    ]
    assert steps[0].due_at == datetime(2026, 12, 1, tzinfo=SHANGHAI)
    # one month after the death: the whole of 2 December, so due at its end
    assert steps[-1].due_at == datetime(2026, 12, 3, tzinfo=SHANGHAI)
    before = pending_steps(_case(CaseStage.DIRECTED, directive_at=directive), [])
    assert [(s.action, s.due_at) for s in before] == [
        (ActionKind.CERTIFICATE_ISSUED, directive + timedelta(hours=24))
    ]


def test_charts_count_reports_per_day_and_bucket_time_to_certificate() -> None:
    directive = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
    quick = _case(
        CaseStage.CERTIFIED, directive_at=directive, certificate_at=directive + timedelta(hours=5)
    )
    slow = _case(
        CaseStage.CERTIFIED, directive_at=directive, certificate_at=directive + timedelta(hours=30)
    )
    chart = time_to_certificate([quick, slow, _case(CaseStage.REPORTED)])
    assert [b["count"] for b in chart["buckets"]] == [1, 0, 0, 0, 1, 0]
    assert (chart["certified"], chart["median_hours"], chart["within_24h"]) == (2, 17.5, 0.5)
    days = daily_volume([quick], datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI), 3)
    assert days == [
        {"day": "2026-11-01", "reports": 0},
        {"day": "2026-11-02", "reports": 1},
        {"day": "2026-11-03", "reports": 0},
    ]
