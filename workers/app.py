"""Assembling the worker process: one router per department on one pyzeebe worker.

``build_context`` wires settings to the ledger, the notification channels and the
department adapters (ledger by default, HTTP when ``SHENHOU_DEPT_<UNIT>_URL`` is set);
``build_worker`` adds every department's router to a :class:`pyzeebe.ZeebeWorker`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import grpc
from pyzeebe import ZeebeTaskRouter, ZeebeWorker, create_insecure_channel

from domain.clock import now_in_shanghai
from workers import (
    civil_affairs,
    disability,
    funeral,
    health,
    hotline,
    hrss,
    market,
    police,
    proofs,
    reconciliation,
    supervisor,
)
from workers.adapters.http import (
    HttpCivilAffairs,
    HttpDepartmentClient,
    HttpDisability,
    HttpHrss,
    HttpMarketSupervision,
    HttpPolice,
)
from workers.adapters.interfaces import (
    CivilAffairsSystem,
    DisabilitySystem,
    HrssSystem,
    MarketSupervisionSystem,
    PoliceSystem,
)
from workers.adapters.ledger import (
    LedgerCivilAffairs,
    LedgerDisability,
    LedgerHrss,
    LedgerMarketSupervision,
    LedgerPolice,
)
from workers.context import Context, Departments
from workers.notices import NoticeSender
from workers.notify import task as notify_task
from workers.notify.configured import build_dispatcher
from workers.ports import WorkerLedger
from workers.settings import WorkerSettings

DEPARTMENT_ROUTERS: tuple[Callable[[Context], ZeebeTaskRouter], ...] = (
    hotline.router,
    supervisor.router,
    health.router,
    police.router,
    funeral.router,
    civil_affairs.router,
    hrss.router,
    disability.router,
    market.router,
    proofs.router,
    notify_task.router,
    reconciliation.router,
)


def _http(settings: WorkerSettings, url: str) -> HttpDepartmentClient:
    return HttpDepartmentClient(
        url,
        token=settings.shenhou_dept_token,
        timeout_s=settings.shenhou_dept_timeout_s,
        retries=settings.shenhou_dept_retries,
    )


def build_departments(
    settings: WorkerSettings, ledger: WorkerLedger, clock: Callable[[], datetime]
) -> Departments:
    police: PoliceSystem = LedgerPolice(ledger, clock)
    civil: CivilAffairsSystem = LedgerCivilAffairs(ledger, clock)
    hrss_system: HrssSystem = LedgerHrss(ledger, clock)
    dpf: DisabilitySystem = LedgerDisability(ledger, clock)
    market_system: MarketSupervisionSystem = LedgerMarketSupervision(ledger, clock)
    if settings.shenhou_dept_police_url:
        police = HttpPolice(_http(settings, settings.shenhou_dept_police_url))
    if settings.shenhou_dept_civil_url:
        civil = HttpCivilAffairs(_http(settings, settings.shenhou_dept_civil_url))
    if settings.shenhou_dept_hrss_url:
        hrss_system = HttpHrss(_http(settings, settings.shenhou_dept_hrss_url))
    if settings.shenhou_dept_dpf_url:
        dpf = HttpDisability(_http(settings, settings.shenhou_dept_dpf_url))
    if settings.shenhou_dept_market_url:
        market_system = HttpMarketSupervision(_http(settings, settings.shenhou_dept_market_url))
    return Departments(police=police, civil=civil, hrss=hrss_system, dpf=dpf, market=market_system)


def whole_seconds_now() -> datetime:
    """Times the workers record are whole seconds, like the contract's process variables,
    so a time read back from a variable never sorts before the same time in the ledger."""
    return now_in_shanghai().replace(microsecond=0)


def build_context(
    settings: WorkerSettings,
    ledger: WorkerLedger,
    clock: Callable[[], datetime] = whole_seconds_now,
) -> Context:
    return Context(
        settings=settings,
        ledger=ledger,
        notices=NoticeSender(build_dispatcher(settings), ledger, clock),
        departments=build_departments(settings, ledger, clock),
        clock=clock,
    )


def build_worker(ctx: Context, channel: grpc.aio.Channel | None = None) -> ZeebeWorker:
    channel = channel or create_insecure_channel(grpc_address=ctx.settings.zeebe_address)
    worker = ZeebeWorker(
        channel,
        name=ctx.settings.shenhou_worker_name,
        request_timeout=ctx.settings.shenhou_worker_request_timeout_ms,
        max_connection_retries=-1,
    )
    for make_router in DEPARTMENT_ROUTERS:
        worker.include_router(make_router(ctx))
    return worker
