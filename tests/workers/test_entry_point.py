"""``python -m workers --help`` answers without connecting anywhere (the CLI wires it)."""

import subprocess
import sys


def test_help_prints_usage_and_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workers", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "usage: shenhou workers" in result.stdout
