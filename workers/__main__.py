"""``python -m workers`` / ``shenhou workers``: every department's job workers against
ZEEBE_ADDRESS, with the ledger at DATABASE_URL (migrated to the current schema first)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

import structlog

from domain.ledger import Ledger
from domain.logs import configure_logging
from workers.app import DEPARTMENT_ROUTERS, build_context, build_worker
from workers.ledger_port import LedgerWorkerPort
from workers.settings import WorkerSettings

log = structlog.get_logger("workers")


async def run(settings: WorkerSettings) -> None:
    ledger = await asyncio.to_thread(Ledger.from_url, settings.database_url)
    ctx = build_context(settings, LedgerWorkerPort(ledger, settings.shenhou_worker_name))
    worker = build_worker(ctx)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.stop()))
    log.info(
        "workers started",
        zeebe=settings.zeebe_address,
        task_types=sorted(t.type for t in worker.tasks),
        routers=len(DEPARTMENT_ROUTERS),
    )
    await worker.work()
    log.info("workers stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shenhou workers",
        description="Run every department's job workers (one pyzeebe router per department) "
        "against ZEEBE_ADDRESS, with the ledger at DATABASE_URL.",
    )
    parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    settings = WorkerSettings()
    configure_logging(settings.log_level)
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
