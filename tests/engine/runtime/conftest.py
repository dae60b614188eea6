from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from engine.runtime import Clock, Engine
from engine.runtime.machine import Machine


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    eng = Engine(None, clock=Clock(controlled=True), synchronous="NORMAL")
    await eng.start()
    try:
        yield eng
    finally:
        await eng.stop()


async def wait_until(eng: Engine, predicate: Callable[[Machine], Any], timeout: float = 5.0) -> Any:
    """Poll ``predicate`` on the writer thread until it is truthy (bounded, never a deadline)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await eng.inspect(predicate)
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


async def one_job(eng: Engine, job_type: str, **kw: Any) -> Any:
    jobs = await eng.activate_jobs(
        job_type=job_type, worker="test", timeout_ms=kw.pop("timeout_ms", 60_000), max_jobs=1, **kw
    )
    assert len(jobs) == 1, f"expected one {job_type} job, got {jobs}"
    return jobs[0]


def instance_state(pi_key: int) -> Callable[[Machine], str]:
    """ACTIVE / COMPLETED / TERMINATED from the read model row (via the writer's store)."""

    def probe(m: Machine) -> str:
        root = m.s.instances.get(pi_key)
        if root is not None:
            return "ACTIVE"
        return "GONE"

    return probe


async def rows(eng: Engine, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Query the engine's database on the writer thread (safe for the in-memory store)."""
    return await eng.inspect(lambda m: eng._store.query(sql, params))
