from __future__ import annotations

import pytest

from engine.api import EngineError
from engine.runtime import Clock


def test_controlled_clock_pins_adds_and_resets() -> None:
    clock = Clock(controlled=True)
    woke: list[int] = []
    clock.add_listener(lambda: woke.append(1))
    clock.pin(1_000)
    assert clock.now_ms() == 1_000
    clock.add(500)
    assert clock.now_ms() == 1_500
    clock.add(-200)
    assert clock.now_ms() == 1_300
    clock.reset()
    assert clock.now_ms() > 1_600_000_000_000
    clock.add(3_600_000)
    assert clock.now_ms() > Clock().now_ms() + 3_500_000
    assert len(woke) == 5


def test_uncontrolled_clock_refuses_changes() -> None:
    clock = Clock()
    assert not clock.controlled
    with pytest.raises(EngineError):
        clock.pin(1)
    with pytest.raises(EngineError):
        clock.add(1)
