from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.console.harness import DEMO_BPMN, ConsoleEngine, Zeebe


@pytest.fixture(scope="package")
def console_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleEngine]:
    """One engine for the console tests (start-up and the 3,000 instances are the slow part)."""
    data_dir: Path = tmp_path_factory.mktemp("console") / "data"
    proc = ConsoleEngine(data_dir).start()
    try:
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"engine exited with {code} on SIGTERM:\n{proc.logs()[-4000:]}"


@pytest.fixture(scope="package")
def zeebe(console_engine: ConsoleEngine) -> Iterator[Zeebe]:
    client = Zeebe(console_engine.grpc_address)
    client.deploy("console_demo.bpmn", DEMO_BPMN.read_bytes())
    try:
        yield client
    finally:
        client.close()
