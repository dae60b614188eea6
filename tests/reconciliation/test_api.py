"""The reconciliation and assessment endpoints on the real app (uvicorn, SQLite ledger)."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from domain.clock import now_in_shanghai
from domain.ids import generate_citizen_id
from tests.api.conftest import Api, auth

ID = generate_citizen_id(random.Random(1), birth=date(1941, 2, 3))
LAST_MONTH = (now_in_shanghai().date().replace(day=1) - timedelta(days=1)).replace(day=1)
MONTH = f"{LAST_MONTH:%Y-%m}"


def upload(client: Api, path: str, token: str, name: str, content: bytes) -> httpx.Response:
    return client.client.post(path, headers=auth(token), files={"file": (name, content)})


def test_template_downloads(api: Api) -> None:
    csv = api.get("/reconciliation/template.csv", "t-police")
    assert csv.status_code == 200 and "姓名" in csv.content.decode("utf-8-sig")
    xlsx = api.get("/reconciliation/template.xlsx", "t-police")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet["A1"].value == "姓名"
    assert api.get("/reconciliation/template.csv").status_code == 401
    rules = api.get("/reconciliation/rules", "t-police").json()
    assert "paid-after-death" in {r["code"] for r in rules} and all(r["why"] for r in rules)


def test_table_upload_all_or_nothing_and_by_its_unit(api: Api) -> None:
    good = f"姓名,证件号码,死亡日期,户籍注销日期\n王国华,{ID},{LAST_MONTH},{LAST_MONTH}\n"
    response = upload(
        api, f"/reconciliation/tables/police/{MONTH}", "t-police", "p.csv", good.encode()
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 1
    bad = good + f"李四,{ID[:17]}{'0' if ID[17] != '0' else '1'},{LAST_MONTH},\n"
    response = upload(
        api, f"/reconciliation/tables/police/{MONTH}", "t-police", "p.csv", bad.encode()
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "upload.rejected"
    assert [e["field"] for e in body["errors"]] == ["line 3 / id_number"]
    forbidden = upload(
        api, f"/reconciliation/tables/police/{MONTH}", "t-hrss", "p.csv", good.encode()
    )
    assert forbidden.status_code == 403
    wrong_month = upload(
        api, "/reconciliation/tables/police/2026-13", "t-police", "p.csv", good.encode()
    )
    assert wrong_month.status_code == 422


def test_roll_run_kpis_and_reports(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHENHOU_ROLLS_DIR", str(tmp_path / "rolls"))
    roll = f"证件号码,姓名,发放月份,发放金额\n{ID},王国华,{MONTH},100\n"
    response = upload(api, f"/reconciliation/rolls/hrss/{MONTH}", "t-hrss", "r.csv", roll.encode())
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 1
    assert (tmp_path / "rolls" / "hrss" / f"{MONTH}.parquet").exists()
    assert (
        upload(
            api, f"/reconciliation/rolls/hrss/{MONTH}", "t-civil", "r.csv", roll.encode()
        ).status_code
        == 403
    )

    assert api.post("/reconciliation/runs", "t-police", {"period": MONTH}).status_code == 403
    run = api.post("/reconciliation/runs", "t-supervisor", {"period": MONTH})
    assert run.status_code == 200, run.text
    counts = run.json()["counts"]
    assert counts["unit-table-not-uploaded"] == 6
    latest = api.get("/reconciliation/runs/latest", "t-supervisor", period=MONTH)
    assert latest.status_code == 200
    assert {d["rule"] for d in latest.json()["discrepancies"]} == {"unit-table-not-uploaded"}
    mine = api.get("/reconciliation/runs/latest", "t-hrss", period=MONTH).json()
    assert [d["unit"] for d in mine["discrepancies"]] == ["hrss"]

    api.report()
    kpis = api.get("/kpis", "t-supervisor")
    assert kpis.status_code == 200
    assert kpis.json()["county"]["cases"] >= 1
    scoped = api.get("/kpis", "t-grid-taoyuan").json()
    assert scoped["county"] is None and [t["township"] for t in scoped["townships"]] == ["桃源街道"]
    html = api.get(f"/reports/monthly/{MONTH}.html", "t-supervisor")
    assert html.status_code == 200 and "<svg" in html.text and "月对账" in html.text
    pdf = api.get(f"/reports/monthly/{MONTH}.pdf", "t-supervisor")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert api.get(f"/reports/monthly/{MONTH}.pdf", "t-hrss").status_code == 403
