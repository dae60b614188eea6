"""Headless Debian Chromium driven by Playwright for Python (no ``playwright install``).

Tests skip, with the reason, only when ``/usr/bin/chromium`` is missing; ``make test`` runs
``tools/install-chromium.sh`` first so that CI has it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run tools/install-chromium.sh (apt-get chromium)")
