"""The monthly report as PDF, with the same figures and bars as the HTML page.

Why fpdf2 and a font from PyPI: weasyprint would render the HTML page as is, but it needs Pango
and a CJK system font (``apt-get install fonts-noto-cjk``), which a fresh CI machine or a user's
``pip install`` does not have. fpdf2 is pure Python and embeds a *subset* of an OpenType font,
so the PDF shows Chinese on any reader; the font itself comes from the PyPI package
``cvttf-notosanscjk-regular`` (Noto Sans CJK, SIL Open Font License). A system Noto CJK or a
font named by ``SHENHOU_PDF_FONT`` is preferred when present (SC glyph forms; the PyPI font is
the TC cut, whose forms differ slightly for some characters).
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from domain.assessment.kpis import Assessment
from domain.assessment.report import (
    ACTION_ZH,
    BULLETIN,
    RULE_ZH,
    ReconciliationSummary,
    hour_bin_labels,
    num,
    pct,
    unit_zh,
)

SYSTEM_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # SC in the collection
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
)


class FontMissing(RuntimeError):
    pass


def cjk_font() -> tuple[Path, int]:
    """(path, collection index) of a font with Chinese glyphs, see the module doc."""
    named = os.environ.get("SHENHOU_PDF_FONT")
    if named:
        path = Path(named)
        if not path.is_file():
            raise FontMissing(f"SHENHOU_PDF_FONT={named} is not a file")
        return path, 0
    for candidate, index in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate), index
    try:
        import cvttf_NotoSansCJK_Regular as packaged
    except ImportError:  # pragma: no cover - it is a dependency
        raise FontMissing(
            "no CJK font: pip install cvttf-notosanscjk-regular or set SHENHOU_PDF_FONT"
        ) from None
    return Path(packaged.get_TTF_path()), 0


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 8, f"第 {self.page_no()} 页", align="C")


def render_pdf(
    assessment: Assessment,
    *,
    title: str = "宁海县身后一件事月度考核与对账报告",
    reconciliation: ReconciliationSummary | None = None,
) -> bytes:
    path, index = cjk_font()
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    if path.suffix.lower() == ".ttc":
        pdf.add_font("cjk", "", str(path), collection_font_number=index)
    else:
        pdf.add_font("cjk", "", str(path))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(
        0,
        6,
        f"统计期间：{assessment.period_from:%Y-%m-%d %H:%M} 至 "
        f"{assessment.period_to:%Y-%m-%d %H:%M}（按报告时间）",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    county = assessment.county
    spread = county.hours_to_certificate
    zero = (
        f"{county.zero_trip_families}/{county.families}（{pct(county.zero_trip_rate)}）"
        if county.zero_trip_families is not None
        else "未记录"
    )
    _heading(pdf, "全县概况")
    _table(
        pdf,
        ["指标", "本期", "简报（2018）"],
        [
            [
                "受理正常死亡案件（件）",
                str(county.normal_cases),
                f"{BULLETIN['cases']}（约80天，日均约12件）",
            ],
            ["12小时内报告率", pct(county.report_rate_12h), "—"],
            ["指令后24小时内出证率", pct(county.certificate_rate_24h), "—"],
            ["出证平均用时（小时）", num(spread.mean), "约3"],
            ["出证用时中位数 / P90（小时）", f"{num(spread.median)} / {num(spread.p90)}", "—"],
            ["最快出证（小时）", num(spread.fastest), "1"],
            ["零跑腿家庭", zero, str(BULLETIN["zero_trip_families"])],
            ["未结对账差异（件）", str(county.open_discrepancies), "—"],
        ],
        [80, 50, 50],
    )
    _heading(pdf, "出证用时分布（报告至出具证明，小时）")
    _bars(pdf, hour_bin_labels(), [float(v) for v in county.hours_histogram], "{:.0f}")
    _heading(pdf, "各乡镇（街道）考核")
    _table(
        pdf,
        ["乡镇（街道）", "案件", "12h报告率", "24h出证率", "平均h", "P90 h", "最快h", "零跑腿"],
        [
            [
                t.township,
                str(t.cases),
                pct(t.report_rate_12h),
                pct(t.certificate_rate_24h),
                num(t.hours_to_certificate.mean),
                num(t.hours_to_certificate.p90),
                num(t.hours_to_certificate.fastest),
                "—" if t.zero_trip_families is None else f"{t.zero_trip_families}/{t.families}",
            ]
            for t in assessment.townships
        ],
        [30, 16, 22, 22, 20, 20, 20, 26],
    )
    _heading(pdf, "证明出具后各部门办理天数（平均）")
    days = county.days_downstream
    _bars(
        pdf, [ACTION_ZH.get(k, k) for k in days], [s.mean or 0.0 for s in days.values()], "{:.1f}"
    )
    rows = []
    for unit in assessment.units:
        for kind, s in unit.actions.items():
            rows.append(
                [
                    unit_zh(unit.unit),
                    ACTION_ZH.get(kind, kind),
                    str(s.count),
                    num(s.mean),
                    num(s.p90),
                    str(unit.escalations),
                    str(unit.open_discrepancies),
                ]
            )
        if not unit.actions:
            rows.append(
                [
                    unit_zh(unit.unit),
                    "—",
                    "0",
                    "—",
                    "—",
                    str(unit.escalations),
                    str(unit.open_discrepancies),
                ]
            )
    _table(
        pdf,
        ["单位", "事项", "件数", "平均天", "P90天", "超期督办", "未结差异"],
        rows,
        [34, 36, 18, 22, 22, 24, 24],
    )
    if reconciliation is not None:
        _heading(pdf, f"月对账（{reconciliation.period}，核对{reconciliation.people}人）")
        _table(
            pdf,
            ["规则", "代码", "差异数"],
            [[RULE_ZH.get(c, c), c, str(n)] for c, n in reconciliation.counts.items()],
            [60, 80, 30],
        )
        if reconciliation.discrepancies:
            _table(
                pdf,
                ["规则", "责任单位", "案件", "乡镇"],
                [
                    [
                        RULE_ZH.get(str(d["rule"]), str(d["rule"])),
                        unit_zh(str(d["unit"])),
                        str(d.get("case_id") or "—")[:36],
                        str(d.get("township") or "—"),
                    ]
                    for d in reconciliation.discrepancies
                ],
                [44, 30, 80, 30],
            )
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def _table(pdf: FPDF, head: list[str], rows: list[list[str]], widths: list[float]) -> None:
    pdf.set_font("cjk", size=8)
    pdf.set_fill_color(243, 246, 251)
    for text, width in zip(head, widths, strict=True):
        pdf.cell(width, 6, text, border=1, fill=True)
    pdf.ln()
    for row in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 6, text, border=1)
        pdf.ln()
    pdf.set_font("cjk", size=9)


def _bars(pdf: FPDF, labels: list[str], values: list[float], fmt: str) -> None:
    height = 40.0
    if pdf.will_page_break(height + 14):
        pdf.add_page()
    x0, y0 = pdf.l_margin + 10, pdf.get_y() + 2
    width = pdf.w - pdf.l_margin - pdf.r_margin - 10
    top = max([1.0, *values])
    slot = width / max(1, len(labels))
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_fill_color(59, 125, 216)
    pdf.set_font("cjk", size=7)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = height * value / top
        x = x0 + i * slot + slot * 0.2
        if h > 0:
            pdf.rect(x, y0 + height - h, slot * 0.6, h, style="F")
        pdf.set_xy(x0 + i * slot, y0 + height - h - 4)
        pdf.cell(slot, 4, fmt.format(value), align="C")
        pdf.set_xy(x0 + i * slot, y0 + height + 1)
        pdf.cell(slot, 4, label, align="C")
    pdf.set_xy(pdf.l_margin, y0 + height + 8)
    pdf.set_font("cjk", size=9)
