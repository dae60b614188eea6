"""Fixtures for worker tests: a real SQLite ledger, a fake Zeebe gateway over real gRPC,
and the real worker process logic (pyzeebe ZeebeWorker with every department router)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pyzeebe import create_insecure_channel

from domain.clock import now_in_shanghai
from domain.enums import Role
from domain.fakes import fake_death_report
from domain.ledger import Ledger
from domain.models import Actor, Case, ProfileFlags
from tests.workers.fake_gateway import FakeGateway, fake_gateway
from workers.app import build_context, build_worker
from workers.context import Context
from workers.ledger_port import LedgerWorkerPort
from workers.notify.sink import LocalSink
from workers.settings import WorkerSettings

HOTLINE = Actor(id="op-1", role=Role.HOTLINE_OPERATOR)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.from_url(f"sqlite:///{tmp_path}/ledger.db")


def open_case(
    ledger: Ledger,
    *,
    seed: int = 1,
    delay: timedelta = timedelta(hours=2),
    profile: ProfileFlags | None = None,
) -> Case:
    died_at = now_in_shanghai() - delay - timedelta(minutes=30)
    report = fake_death_report(random.Random(seed), died_at, report_delay=delay)
    if profile is not None:
        report = report.model_copy(update={"profile": profile})
    return ledger.record_report(report, HOTLINE).case


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with fake_gateway() as gw:
        yield gw


def worker_settings(tmp_path: Path, gateway: FakeGateway, **overrides: object) -> WorkerSettings:
    values: dict[str, object] = {
        "zeebe_address": gateway.address,
        "database_url": f"sqlite:///{tmp_path}/ledger.db",
        "shenhou_notify_sink": tmp_path / "notices.jsonl",
        "shenhou_worker_request_timeout_ms": 500,
        "shenhou_dept_retries": 0,
    }
    values.update(overrides)
    return WorkerSettings.model_validate(values)


class RunningWorker:
    def __init__(self, ctx: Context, gateway: FakeGateway, sink: LocalSink) -> None:
        self.ctx = ctx
        self.gateway = gateway
        self.sink = sink

    async def wait(self, predicate: object) -> None:
        await asyncio.to_thread(self.gateway.wait_for, predicate)


async def start_worker(
    settings: WorkerSettings, ledger: Ledger, gateway: FakeGateway
) -> AsyncIterator[RunningWorker]:
    ctx = build_context(settings, LedgerWorkerPort(ledger))
    worker = build_worker(ctx, create_insecure_channel(grpc_address=gateway.address))
    task = asyncio.create_task(worker.work())
    try:
        assert settings.shenhou_notify_sink is not None
        yield RunningWorker(ctx, gateway, LocalSink(settings.shenhou_notify_sink))
    finally:
        await worker.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def running(
    tmp_path: Path, ledger: Ledger, gateway: FakeGateway
) -> AsyncIterator[RunningWorker]:
    async for running in start_worker(worker_settings(tmp_path, gateway), ledger, gateway):
        yield running
