from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.e2e.harness import EngineProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def engine_proc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One engine process per test module (start-up is the slow part); tests use own ids."""
    data_dir: Path = tmp_path_factory.mktemp("engine") / "data"
    proc = EngineProcess(data_dir).start()
    try:
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"engine exited with {code} on SIGTERM:\n{proc.logs()[-4000:]}"


@pytest.fixture
def fresh_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
