"""``python -m api --help`` answers without starting a server (the CLI wires it)."""

import subprocess
import sys


def test_help_prints_usage_and_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "usage: shenhou api" in result.stdout and "--address" in result.stdout
