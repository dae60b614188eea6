"""The monthly report: HTML with inline SVG charts, and a PDF that carries the Chinese text."""

from __future__ import annotations

import random
import re
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from domain.assessment import Assessment, assess
from domain.assessment.pdf import cjk_font, render_pdf
from domain.assessment.report import ReconciliationSummary, render_html
from domain.clock import SHANGHAI
from domain.enums import Role, Unit
from domain.fakes import fake_death_report
from domain.ledger import Ledger, make_engine
from domain.ledger.tables import Base
from domain.models import Actor

OPERATOR = Actor(id="op-1", role=Role.HOTLINE_OPERATOR, unit=Unit.HOTLINE)
T0 = datetime(2026, 10, 1, 6, 0, tzinfo=SHANGHAI)
MONTH = (datetime(2026, 10, 1, tzinfo=SHANGHAI), datetime(2026, 11, 1, tzinfo=SHANGHAI))
SUMMARY = ReconciliationSummary(
    period="2026-10",
    counts={"paid-after-death": 1, "missing-from-unit": 0},
    people=3,
    discrepancies=[
        {
            "rule": "paid-after-death",
            "unit": "hrss",
            "case_id": "c-1",
            "township": "桃源街道",
            "name": "王国华",
        }
    ],
)


@pytest.fixture
def assessment(tmp_path: Path) -> Assessment:
    engine = make_engine(f"sqlite:///{tmp_path}/ledger.db")
    Base.metadata.create_all(engine)
    ledger = Ledger(engine, clock=lambda: T0)
    rng = random.Random(9)
    for day, hours in ((0, 1.5), (1, 2.5), (2, 3.5)):
        died = T0 + timedelta(days=day)
        case = ledger.record_report(
            fake_death_report(rng, died, report_delay=timedelta(hours=1)), OPERATOR
        ).case
        reported = died + timedelta(hours=1)
        ledger.mark_step(case.id, "certificate_at", reported + timedelta(hours=hours), OPERATOR)
    return assess(engine, *MONTH)


def test_html_report_has_figures_and_well_formed_svg_charts(assessment: Assessment) -> None:
    html = render_html(assessment, reconciliation=SUMMARY)
    assert "宁海县身后一件事月度考核与对账报告" in html
    assert "<td>2.50 小时</td>" in html  # mean time to certificate
    assert "895" in html  # the bulletin's figure beside ours
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        ElementTree.fromstring(svg)  # well-formed XML
    assert "死亡后仍发放待遇" in html and "c-1" in html
    assert "王国华" not in html  # no names of the deceased in a report for the work group


def test_html_escapes_values(assessment: Assessment) -> None:
    bad = ReconciliationSummary(
        "2026-10", {"x<script>": 1}, 0, [{"rule": "<b>", "unit": "hrss", "case_id": "<i>"}]
    )
    html = render_html(assessment, reconciliation=bad)
    assert "<script>" not in html and "&lt;i&gt;" in html


def _pdf_text_fonts(pdf: bytes) -> list[bytes]:
    return re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", pdf)


def test_pdf_embeds_a_cjk_font_and_has_pages(assessment: Assessment) -> None:
    path, _index = cjk_font()
    assert path.is_file()
    pdf = render_pdf(assessment, reconciliation=SUMMARY)
    assert pdf.startswith(b"%PDF-")
    fonts = _pdf_text_fonts(pdf)
    assert fonts and all(b"Noto" in f or b"CJK" in f or b"+" in f for f in fonts)
    assert b"/FontFile" in pdf  # embedded (subset), not a reference to a system font
    # the text is there: the ToUnicode map carries the code points of the characters drawn
    cmaps = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            cmaps += zlib.decompress(stream)
        except zlib.error:
            cmaps += stream  # stored uncompressed
    for char in "宁海县跃龙街道":
        assert f"{ord(char):04X}".encode() in cmaps, char


def test_font_override_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHENHOU_PDF_FONT", str(tmp_path / "missing.otf"))
    with pytest.raises(RuntimeError, match="not a file"):
        cjk_font()
