"""One running system per test module (the engine, workers and API are slow to start);
tests that need their own workers' settings start their own system."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.system import System


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("system"))).start()
    try:
        yield running
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        system = item.funcargs.get("system") if hasattr(item, "funcargs") else None
        if isinstance(system, System):
            report.sections.append(("system logs", system.logs()))
