"""One simulated day through the real system (engine subprocess with a controlled clock, the
case API as a process over HTTP, the real workers): every downstream step done, no family trip,
the reconciliation on the 10th finds exactly the deliberate errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from shenhou.simulate import BehaviourModel, render_table, simulate

pytestmark = pytest.mark.e2e


async def test_one_day_end_to_end(tmp_path: Path) -> None:
    model = BehaviourModel(deaths_per_day=6, living_pensioners=200)
    outcome = await simulate(
        seed=5, days=1, model=model, workdir=tmp_path / "work", out=tmp_path / "out"
    )
    assert outcome.failures == []
    assert outcome.cases_planned >= 3
    assert outcome.outstanding_actions == 0
    assert outcome.family_trips in (None, 0)
    assert outcome.incidents == 0
    assert outcome.expected_errors, "the rolls carried no deliberate error"
    assert outcome.reconciliation_exact, (outcome.missing_errors, outcome.unexpected)
    # the month before (empty tables) left nothing open: only the deliberate errors are
    assert outcome.open_discrepancies == len(outcome.expected_errors)
    county = outcome.assessment["county"]
    assert county["certified"] >= 1 and county["hours_to_certificate"]["fastest"] >= 0.8
    assert outcome.report_pdf is not None and outcome.report_pdf.read_bytes().startswith(b"%PDF")
    assert outcome.report_html is not None
    assert (
        dict((row[0], row[1]) for row in render_table(outcome))["other discrepancies flagged"]
        == "0"
    )
