"""The monthly report (月度考核与对账报告) as one self-contained HTML page with inline SVG charts.

Inline SVG drawn here rather than a charting library: three bar charts do not justify a
JavaScript bundle or matplotlib's weight, the page must open offline in the work group's
browser, and the same numbers feed the PDF (``pdf.py``), which draws the same bars with fpdf2.
Every value is escaped; names of deceased people are not shown (the report goes to the whole
work group), only case ids and the units that must act.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from domain.assessment.kpis import HOUR_BINS, Assessment, Spread, TownshipKpis
from domain.enums import ActionKind, Unit

# The bulletin's figures (No. 22, 2018-04-24) the simulation is compared with.
BULLETIN = {
    "cases": 895,
    "mean_hours_to_certificate": 3.0,
    "fastest_hours_to_certificate": 1.0,
    "zero_trip_families": "700+ (2018-02-05 to 03-31)",
}

ACTION_ZH = {
    ActionKind.CREMATION.value: "火化",
    ActionKind.HOUSEHOLD_DEREGISTRATION.value: "户籍注销",
    ActionKind.WELFARE_STOPPED.value: "福利停发",
    ActionKind.FUNERAL_SUBSIDY.value: "丧葬补贴核定",
    ActionKind.PENSION_STOPPED.value: "养老金停发",
    ActionKind.SURVIVOR_BENEFITS.value: "丧葬补助金与抚恤金",
    ActionKind.DISABILITY_CARD_CANCELLED.value: "残疾人证注销",
    ActionKind.BUSINESS_DEREGISTRATION.value: "经营主体告知",
}
RULE_ZH = {
    "unit-table-not-uploaded": "单位未上传月度表",
    "household-not-deregistered": "逾期未注销户籍",
    "paid-after-death": "死亡后仍发放待遇",
    "cremation-without-certificate": "无证明火化",
    "certificate-without-case": "有证明无案件",
    "missing-from-unit": "单位漏记",
    "same-person-two-ids": "同一人两个证件号码",
}


def unit_zh(value: str) -> str:
    try:
        return Unit(value).label_zh
    except ValueError:
        return {"process": "案件记录"}.get(value, value)


@dataclass(slots=True)
class ReconciliationSummary:
    """The latest run's figures for the report (from ``domain.reconciliation.store``)."""

    period: str
    counts: dict[str, int]
    people: int
    discrepancies: list[dict[str, Any]] = field(default_factory=list)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def num(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.2f}{unit}"


def render_html(
    assessment: Assessment,
    *,
    title: str = "宁海县身后一件事月度考核与对账报告",
    reconciliation: ReconciliationSummary | None = None,
    compare_with_bulletin: bool = True,
) -> str:
    county = assessment.county
    parts: list[str] = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='period'>统计期间：{assessment.period_from:%Y-%m-%d %H:%M} 至 "
        f"{assessment.period_to:%Y-%m-%d %H:%M}（按报告时间）</p>",
        "<h2>全县概况</h2>",
        _summary_table(county, assessment.trips_recorded, compare_with_bulletin),
        "<h2>出证用时分布（报告至出具证明，小时）</h2>",
        _histogram_svg(county.hours_histogram),
        "<h2>各乡镇（街道）考核</h2>",
        _rates_svg(assessment.townships),
        _township_table(assessment.townships),
        "<h2>证明出具后各部门办理天数</h2>",
        _downstream_svg(county.days_downstream),
        _units_table(assessment),
    ]
    if reconciliation is not None:
        parts.append(_reconciliation_section(reconciliation))
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary_table(county: TownshipKpis, trips_recorded: bool, bulletin: bool) -> str:
    spread = county.hours_to_certificate
    zero = (
        f"{county.zero_trip_families}/{county.families}（{pct(county.zero_trip_rate)}）"
        if trips_recorded and county.zero_trip_families is not None
        else "未记录"
    )
    rows = [
        (
            "受理正常死亡案件（件）",
            str(county.normal_cases),
            f"{BULLETIN['cases']}（约80天，日均约12件）",
        ),
        ("12小时内报告率", pct(county.report_rate_12h), "—"),
        ("指令后24小时内出证率", pct(county.certificate_rate_24h), "—"),
        ("出证平均用时", num(spread.mean, " 小时"), "约3小时"),
        ("出证用时中位数", num(spread.median, " 小时"), "—"),
        ("出证用时P90", num(spread.p90, " 小时"), "—"),
        ("最快出证", num(spread.fastest, " 小时"), "1小时"),
        ("零跑腿家庭", zero, str(BULLETIN["zero_trip_families"])),
        ("未结对账差异（件）", str(county.open_discrepancies), "—"),
    ]
    head = (
        "<tr><th>指标</th><th>本期</th>" + ("<th>简报（2018）</th>" if bulletin else "") + "</tr>"
    )
    body = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td>"
        + (f"<td>{escape(c)}</td>" if bulletin else "")
        + "</tr>"
        for a, b, c in rows
    )
    return f"<table class='summary'>{head}{body}</table>"


def _bar_chart(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    *,
    max_value: float,
    value_format: str = "{:.0f}",
    height: int = 220,
) -> str:
    """Grouped vertical bars; ``series`` = (name, colour, values)."""
    width = max(420, 60 + len(labels) * (16 * len(series) + 18))
    plot_h = height - 70
    left, top = 44, 14
    slot = (width - left - 10) / max(1, len(labels))
    bar_w = min(22.0, (slot - 8) / max(1, len(series)))
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img'>",
        f"<line x1='{left}' y1='{top + plot_h}' x2='{width - 6}' y2='{top + plot_h}' "
        "stroke='#555'/>",
    ]
    for tick in range(5):
        value = max_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        out.append(
            f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end' class='tick'>"
            f"{escape(value_format.format(value))}</text>"
            f"<line x1='{left}' y1='{y:.1f}' x2='{width - 6}' y2='{y:.1f}' stroke='#eee'/>"
        )
    for i, label in enumerate(labels):
        x0 = left + i * slot + (slot - bar_w * len(series)) / 2
        for j, (_name, colour, values) in enumerate(series):
            value = values[i] if i < len(values) else 0.0
            h = 0.0 if max_value <= 0 else plot_h * min(value, max_value) / max_value
            x = x0 + j * bar_w
            out.append(
                f"<rect x='{x:.1f}' y='{top + plot_h - h:.1f}' width='{bar_w - 2:.1f}' "
                f"height='{h:.1f}' fill='{colour}'><title>{escape(label)}: "
                f"{escape(value_format.format(value))}</title></rect>"
            )
        cx = left + i * slot + slot / 2
        out.append(
            f"<text x='{cx:.1f}' y='{top + plot_h + 14}' text-anchor='end' class='label' "
            f"transform='rotate(-35 {cx:.1f} {top + plot_h + 14})'>{escape(label)}</text>"
        )
    legend_x = left
    for name, colour, _ in series:
        out.append(
            f"<rect x='{legend_x}' y='{height - 14}' width='10' height='10' fill='{colour}'/>"
            f"<text x='{legend_x + 14}' y='{height - 5}' class='label'>{escape(name)}</text>"
        )
        legend_x += 14 + 14 * len(name) + 16
    out.append("</svg>")
    return "".join(out)


def hour_bin_labels() -> list[str]:
    return [f"{low:g}–{high:g}" if high != float("inf") else f"≥{low:g}" for low, high in HOUR_BINS]


def _histogram_svg(histogram: list[int]) -> str:
    top = max(histogram, default=0)
    return _bar_chart(
        hour_bin_labels(),
        [("案件数", "#3b7dd8", [float(v) for v in histogram])],
        max_value=float(max(4, top)),
    )


def _rates_svg(townships: list[TownshipKpis]) -> str:
    labels = [t.township for t in townships]
    return _bar_chart(
        labels,
        [
            ("12小时报告率", "#3b7dd8", [100 * (t.report_rate_12h or 0) for t in townships]),
            ("24小时出证率", "#e8833a", [100 * (t.certificate_rate_24h or 0) for t in townships]),
        ],
        max_value=100.0,
        value_format="{:.0f}%",
        height=260,
    )


def _downstream_svg(days: dict[str, Spread]) -> str:
    labels = [ACTION_ZH.get(k, k) for k in days]
    means = [s.mean or 0.0 for s in days.values()]
    p90s = [s.p90 or 0.0 for s in days.values()]
    return _bar_chart(
        labels,
        [("平均（天）", "#3b7dd8", means), ("P90（天）", "#9bbbe8", p90s)],
        max_value=max([1.0, *p90s, *means]),
        value_format="{:.1f}",
    )


def _township_table(townships: list[TownshipKpis]) -> str:
    head = (
        "<tr><th>乡镇（街道）</th><th>案件</th><th>12小时报告率</th><th>24小时出证率</th>"
        "<th>出证平均（小时）</th><th>中位数</th><th>P90</th><th>最快</th><th>零跑腿</th>"
        "<th>未结差异</th></tr>"
    )
    rows = []
    for t in townships:
        s = t.hours_to_certificate
        zero = "—" if t.zero_trip_families is None else f"{t.zero_trip_families}/{t.families}"
        rows.append(
            f"<tr><td>{escape(t.township)}</td><td>{t.cases}</td><td>{pct(t.report_rate_12h)}</td>"
            f"<td>{pct(t.certificate_rate_24h)}</td><td>{num(s.mean)}</td><td>{num(s.median)}</td>"
            f"<td>{num(s.p90)}</td><td>{num(s.fastest)}</td><td>{zero}</td>"
            f"<td>{t.open_discrepancies}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _units_table(assessment: Assessment) -> str:
    head = (
        "<tr><th>单位</th><th>事项</th><th>件数</th><th>平均（天）</th><th>中位数</th>"
        "<th>P90</th><th>超期督办</th><th>未结差异</th></tr>"
    )
    rows = []
    for unit in assessment.units:
        actions = unit.actions or {"": Spread.of([])}
        for i, (kind, s) in enumerate(actions.items()):
            extra = (
                f"<td rowspan='{len(actions)}'>{unit.escalations}</td>"
                f"<td rowspan='{len(actions)}'>{unit.open_discrepancies}</td>"
                if i == 0
                else ""
            )
            name = (
                f"<td rowspan='{len(actions)}'>{escape(unit_zh(unit.unit))}"
                + (
                    f"<br><small>24小时出证率 {pct(unit.certificate_rate_24h)}</small>"
                    if unit.certificate_rate_24h is not None
                    else ""
                )
                + (
                    f"<br><small>12小时报告率 {pct(unit.report_rate_12h)}</small>"
                    if unit.report_rate_12h is not None
                    else ""
                )
                + "</td>"
                if i == 0
                else ""
            )
            rows.append(
                f"<tr>{name}<td>{escape(ACTION_ZH.get(kind, kind or '—'))}</td><td>{s.count}</td>"
                f"<td>{num(s.mean)}</td><td>{num(s.median)}</td><td>{num(s.p90)}</td>{extra}</tr>"
            )
    return f"<table>{head}{''.join(rows)}</table>"


def _reconciliation_section(summary: ReconciliationSummary) -> str:
    counts = "".join(
        f"<tr><td>{escape(RULE_ZH.get(code, code))}</td><td><code>{escape(code)}</code></td>"
        f"<td>{n}</td></tr>"
        for code, n in summary.counts.items()
    )
    items = "".join(
        f"<tr><td>{escape(RULE_ZH.get(str(d['rule']), str(d['rule'])))}</td>"
        f"<td>{escape(unit_zh(str(d['unit'])))}</td><td>{escape(str(d.get('case_id') or '—'))}"
        f"</td><td>{escape(str(d.get('township') or '—'))}</td>"
        f"<td>{escape(str(d.get('status') or 'open'))}</td></tr>"
        for d in summary.discrepancies
    )
    return (
        f"<h2>月对账（{escape(summary.period)}，核对{summary.people}人）</h2>"
        f"<table><tr><th>规则</th><th>代码</th><th>差异数</th></tr>{counts}</table>"
        + (
            "<h3>差异明细（督办中）</h3><table><tr><th>规则</th><th>责任单位</th><th>案件</th>"
            f"<th>乡镇</th><th>状态</th></tr>{items}</table>"
            if items
            else "<p>本月未发现差异。</p>"
        )
    )


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f6fb}
td:first-child,th:first-child{text-align:left}
svg text.tick,svg text.label{font-size:11px;fill:#333}
.period{color:#555}
"""
