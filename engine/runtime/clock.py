"""The engine's clock: system time plus an offset, or pinned, like Zeebe's controlled clock.

Every due date in the engine (timers, job deadlines, retry back-offs, message TTLs) is computed
from :meth:`Clock.now_ms`, never from ``time.time()`` directly, so a test or the clock actuator
can move time and see timers fire at once. Moving the clock calls the registered listeners; the
writer registers one that wakes it so due work runs immediately instead of at the next poll.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from engine.api import EngineError, ErrorCode


class Clock:
    """Implements :class:`engine.api.ClockApi`.

    ``controlled=False`` is the production clock: ``pin``/``add``/``reset`` are refused (the
    management port answers 403), exactly as Zeebe without ``zeebe.clock.controlled``.
    """

    def __init__(self, controlled: bool = False) -> None:
        self._controlled = controlled
        self._lock = threading.Lock()
        self._offset_ms = 0
        self._pinned_ms: int | None = None
        self._listeners: list[Callable[[], None]] = []

    @property
    def controlled(self) -> bool:
        return self._controlled

    def now_ms(self) -> int:
        pinned = self._pinned_ms
        if pinned is not None:
            return pinned
        return time.time_ns() // 1_000_000 + self._offset_ms

    @property
    def pinned(self) -> bool:
        return self._pinned_ms is not None

    def add_listener(self, listener: Callable[[], None]) -> None:
        """``listener()`` runs after every change of the clock (from the caller's thread)."""
        self._listeners.append(listener)

    def _check(self) -> None:
        if not self._controlled:
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                "The clock is not controlled; start the engine with --clock controlled",
            )

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def pin(self, epoch_milli: int) -> None:
        self._check()
        with self._lock:
            self._pinned_ms = int(epoch_milli)
        self._changed()

    def add(self, offset_milli: int) -> None:
        """Move time by ``offset_milli`` (negative allowed); a pinned clock stays pinned."""
        self._check()
        with self._lock:
            if self._pinned_ms is not None:
                self._pinned_ms += int(offset_milli)
            else:
                self._offset_ms += int(offset_milli)
        self._changed()

    def reset(self) -> None:
        self._check()
        with self._lock:
            self._pinned_ms = None
            self._offset_ms = 0
        self._changed()
