"""monthly-reconciliation.bpmn on the real embedded engine (a subprocess, controlled clock) with
the real workers (pyzeebe, over gRPC) and a real SQLite ledger: the timer start on the 10th,
the chase of a missing table, the grace period, the cross-check, the report, and two follow-ups:
one fixed (message), one escalated at its deadline."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel

from domain.clock import SHANGHAI
from domain.enums import Unit
from domain.ledger import Ledger, make_engine
from domain.ledger.tables import Base
from domain.reconciliation import store
from domain.reconciliation.rolls import import_roll_csv
from domain.reconciliation.service import roll_path
from domain.reconciliation.sources import process_records
from domain.reconciliation.synthetic import unit_rows_for
from tests.engine.e2e.harness import EngineProcess
from tests.reconciliation.test_monthly_run import OPERATOR, handled_case
from workers import reconciliation
from workers.app import build_context
from workers.ledger_port import LedgerWorkerPort
from workers.settings import WorkerSettings

pytestmark = pytest.mark.e2e
BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "monthly-reconciliation.bpmn"
START = datetime(2026, 10, 9, 20, 0, tzinfo=SHANGHAI)
PERIOD = date(2026, 9, 1)


class EngineClock:
    """The engine's controlled clock, pinned and moved by this test; workers read it here."""

    def __init__(self, management_url: str) -> None:
        self.url = management_url
        self.now = START

    async def pin(self, at: datetime) -> None:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{self.url}/actuator/clock/pin", json={"epochMilli": int(at.timestamp() * 1000)}
            )
            answer.raise_for_status()
        self.now = at

    async def add(self, delta: timedelta) -> None:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{self.url}/actuator/clock/add",
                json={"offsetMilli": int(delta.total_seconds() * 1000)},
            )
            answer.raise_for_status()
        self.now += delta

    def __call__(self) -> datetime:
        return self.now.astimezone(SHANGHAI).replace(microsecond=0)


@pytest.fixture
def engine_proc(tmp_path: Path) -> Any:
    proc = EngineProcess(tmp_path / "engine").start()
    yield proc
    proc.stop()


async def until(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        result = await asyncio.to_thread(check)
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    engine = make_engine(f"sqlite:///{tmp_path}/ledger.db")
    Base.metadata.create_all(engine)
    return Ledger(engine, clock=lambda: START)


@pytest.fixture
async def running(
    engine_proc: EngineProcess, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[EngineClock, ZeebeClient]]:
    monkeypatch.setenv("SHENHOU_ROLLS_DIR", str(tmp_path / "rolls"))
    monkeypatch.setenv("SHENHOU_REPORTS_DIR", str(tmp_path / "reports"))
    clock = EngineClock(engine_proc.management_url)
    await clock.pin(START)
    settings = WorkerSettings(
        zeebe_address=engine_proc.grpc_address,
        database_url=str(ledger.engine.url),
        shenhou_notify_sink=tmp_path / "sink",
    )
    ctx = build_context(settings, LedgerWorkerPort(ledger), clock=clock)
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    worker = ZeebeWorker(channel, name="reconciliation-test", request_timeout=2000)
    worker.include_router(reconciliation.router(ctx))
    client = ZeebeClient(channel)
    await client.deploy_resource(str(BPMN))
    task = asyncio.create_task(worker.work())
    try:
        yield clock, client
    finally:
        await worker.stop()
        await asyncio.wait_for(task, 15)


def follow_up(engine: Any, follow_up_id: int) -> dict[str, Any]:
    item = store.follow_up(engine, follow_up_id)
    assert item is not None
    return item


def september(ledger: Ledger, tmp_path: Path) -> str:
    """Three handled September deaths, five of six tables uploaded, one dead payee."""
    rng = random.Random(8)
    for day in (3, 4, 5):
        handled_case(ledger, rng, datetime(2026, 9, day, 8, tzinfo=SHANGHAI), pension=True)
    records = process_records(ledger, date(2026, 10, 1))
    for unit in (Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS):
        rows = [r for rec in records for u, r in unit_rows_for(rec, PERIOD).items() if u is unit]
        ledger.store_unit_records(unit, PERIOD, rows, OPERATOR)
        store.record_upload(
            ledger.engine,
            unit=unit.value,
            period=PERIOD,
            kind="table",
            rows=len(rows),
            at=START,
            actor_id="test",
        )
    paid = records[0]
    csv = tmp_path / "roll.csv"
    csv.write_text(
        f"证件号码,姓名,发放月份,发放金额\n{paid.id_number},{paid.name},2026-10,2000\n",
        encoding="utf-8",
    )
    import_roll_csv(
        csv,
        roll_path(tmp_path / "rolls", "hrss", date(2026, 10, 1)),
        source="hrss",
        period=date(2026, 10, 1),
    )
    return paid.case_id


async def test_the_month_runs_on_the_engine(
    running: tuple[EngineClock, ZeebeClient], ledger: Ledger, tmp_path: Path
) -> None:
    clock, client = running
    paid_case = september(ledger, tmp_path)
    engine = ledger.engine

    await clock.add(timedelta(hours=14))  # 10 October, 10:00: the cron fired at 09:00
    await until(
        lambda: store.notice_sent_like(engine, "reconciliation:chase:2026-09"),
        "the chase of the missing DPF table",
    )
    assert store.latest_run(engine) is None  # waiting out the grace period, not run yet

    await clock.add(timedelta(hours=49))  # the grace period is over: collect again, run
    run = await until(lambda: store.latest_run(engine), "the cross-check")
    assert run["period"] == PERIOD and run["as_of"] == date(2026, 10, 12)
    found = {
        (d["rule"], d["unit"], d["case_id"]) for d in store.discrepancies_of_run(engine, run["id"])
    }
    assert found == {
        ("unit-table-not-uploaded", "dpf", None),
        ("paid-after-death", "hrss", paid_case),
    }
    reports = tmp_path / "reports"
    await until(lambda: (reports / "shenhou-2026-09.pdf").exists(), "the published report")
    assert "月对账" in (reports / "shenhou-2026-09.html").read_text(encoding="utf-8")
    # the worker writes the report files first, then notifies the work group and the
    # supervisor: wait for the notice rather than assume it follows the PDF at once
    await until(
        lambda: store.notice_sent(engine, f"reconciliation:report:{run['id']}:supervisor"),
        "the report sent to the supervisor",
    )

    follow_ups = await until(
        lambda: (
            [
                f
                for f in store.open_follow_ups(engine)
                if store.notice_sent(engine, f"reconciliation:follow-up:{f['id']}")
            ]
            if len(store.open_follow_ups(engine)) == 2
            else None
        ),
        "both follow-ups opened",
    )
    fixed = next(f for f in follow_ups if f["rule"] == "paid-after-death")
    late = next(f for f in follow_ups if f["rule"] == "unit-table-not-uploaded")
    assert len(follow_ups) == 2
    # HRSS reports its fix (what POST /reconciliation/discrepancies/{id}/resolution does)
    store.resolve(engine, fixed["discrepancy_id"], at=clock(), note="stopped")
    await client.publish_message(
        "discrepancy-resolved", str(fixed["id"]), message_id=f"resolved:{fixed['id']}"
    )
    await clock.add(timedelta(days=8))  # 3 days before the deadline: a reminder for DPF
    await until(lambda: follow_up(engine, late["id"])["reminders"] == 1, "the reminder")
    await clock.add(timedelta(days=3))  # the deadline
    escalated = await until(lambda: follow_up(engine, late["id"])["escalated_at"], "the escalation")
    assert escalated.astimezone(UTC) >= (START + timedelta(days=11)).astimezone(UTC)
    assert follow_up(engine, fixed["id"])["escalated_at"] is None
    assert not store.notice_sent(engine, f"reconciliation:remind:{fixed['id']}")
