"""Wake-ups for long-polling ActivateJobs calls and job streams.

The runtime calls :meth:`JobsAvailable.notify` from its writer thread, after commit,
with the type of job that became activatable. Waiters live on the gateway's event
loop; the notification hops over with ``call_soon_threadsafe``.

A waiter is registered *before* the gateway tries to activate jobs, so a job created
between "none found" and "start waiting" still wakes it: no lost wake-ups.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict


class JobsAvailable:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiters: defaultdict[str, set[asyncio.Event]] = defaultdict(set)
        self.closed = False

    def notify(self, job_type: str) -> None:
        """Thread-safe: jobs of ``job_type`` can be activated now."""
        if self._loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # loop closed while shutting down
            self._loop.call_soon_threadsafe(self._wake, job_type)

    def _wake(self, job_type: str) -> None:
        for event in self._waiters.get(job_type, ()):
            event.set()

    def close(self) -> None:
        """Shutting down: wake every waiter; long polls answer now, streams end."""
        self.closed = True
        for events in self._waiters.values():
            for event in events:
                event.set()

    def waiter(self, job_type: str) -> Waiter:
        return Waiter(self, job_type)

    def waiting(self, job_type: str) -> int:
        return len(self._waiters.get(job_type, ()))

    def _add(self, job_type: str, event: asyncio.Event) -> None:
        self._waiters[job_type].add(event)

    def _remove(self, job_type: str, event: asyncio.Event) -> None:
        events = self._waiters.get(job_type)
        if events is not None:
            events.discard(event)
            if not events:
                del self._waiters[job_type]


class Waiter:
    """``with jobs_available.waiter(type) as w: ... await w.wait(timeout)``."""

    def __init__(self, owner: JobsAvailable, job_type: str) -> None:
        self._owner = owner
        self._type = job_type
        self._event = asyncio.Event()

    def __enter__(self) -> Waiter:
        self._owner._add(self._type, self._event)
        if self._owner.closed:
            self._event.set()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._owner._remove(self._type, self._event)

    def clear(self) -> None:
        self._event.clear()

    async def wait(self, timeout: float | None) -> bool:
        """True when woken, False when ``timeout`` seconds passed first."""
        if timeout is not None and timeout <= 0:
            return self._event.is_set()
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True
