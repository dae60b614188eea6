"""The single writer thread: batches commands, processes them, commits once, then answers.

Group commit: the writer blocks for the first command (or the next due date), then takes every
other command already waiting (up to ``max_batch``), processes them one after another on the
in-memory state, runs whatever became due (timers, job time-outs, back-offs, message TTLs), and
writes the records and changed rows of the whole batch in one SQLite transaction. Only after the
commit are the callers' futures resolved and the job listeners told — so an answer always means
"durable". With many concurrent callers the batches grow by themselves, which is what keeps the
fsync per transaction affordable.

A command that fails with an unexpected exception must not take the others of its batch down
nor leave half-applied state: the batch's in-memory changes are discarded by reloading the state
from the store (which holds exactly the last commit), the culprit is answered with the error and
the rest of the batch is processed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.api import EngineError, ErrorCode
from engine.runtime.clock import Clock
from engine.runtime.machine import Machine
from engine.runtime.state import (
    DUE_JOB_BACKOFF,
    DUE_JOB_TIMEOUT,
    DUE_MESSAGE_TTL,
    DUE_TIMER,
    RuntimeState,
)
from engine.store import SqliteStore, WriteBatch

log = logging.getLogger("engine.writer")

Command = Callable[[Machine], Any]


class _Item:
    __slots__ = ("error", "fn", "future", "loop", "result")

    def __init__(
        self,
        fn: Command,
        loop: asyncio.AbstractEventLoop | None,
        future: asyncio.Future[Any] | None,
    ) -> None:
        self.fn = fn
        self.loop = loop
        self.future = future
        self.result: Any = None
        self.error: BaseException | None = None


class Histogram:
    """Cumulative-bucket histogram in the shape the management port's /metrics expects."""

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * len(bounds)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.sum += value
        self.count += 1
        for i, bound in enumerate(self.bounds):
            if value <= bound:
                self.counts[i] += 1
                break

    def snapshot(self) -> dict[str, Any]:
        cumulative = 0
        buckets: list[tuple[float, int]] = []
        for bound, n in zip(self.bounds, self.counts, strict=True):
            cumulative += n
            buckets.append((bound, cumulative))
        buckets.append((float("inf"), self.count))
        return {"buckets": buckets, "sum": self.sum, "count": self.count}


_WAKE = object()
_STOP = object()
_KILL = object()
MAX_DUE_PER_BATCH = 2000


class Writer:
    def __init__(
        self,
        store: SqliteStore,
        clock: Clock,
        parse: Callable[..., Any],
        *,
        queue_capacity: int,
        max_batch: int,
    ) -> None:
        self.store = store
        self.clock = clock
        self._parse = parse
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=queue_capacity)
        self.max_batch = max_batch
        self.listeners: list[Callable[[str], None]] = []
        self.after_commit: list[Callable[[Machine], None]] = []
        self.state = RuntimeState()
        self.machine: Machine | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._poisoned_due: set[tuple[int, int]] = set()
        self.batches = 0
        self.commands = 0
        self.records = 0
        self.cpu_seconds = 0.0
        self.batch_sizes = Histogram((1, 2, 5, 10, 20, 50, 100, 200, 500, 1000))
        self.commit_seconds = Histogram(
            (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
        )

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="engine-writer", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._start_error is not None:
            raise self._start_error

    def stop(self, *, kill: bool = False) -> None:
        """Stop after the queued commands (or, with ``kill``, without processing them)."""
        if self._thread is None:
            return
        self.queue.put(_KILL if kill else _STOP)
        self._thread.join()
        self._thread = None

    def wake(self) -> None:
        with contextlib.suppress(queue.Full):  # a full queue wakes the writer anyway
            self.queue.put_nowait(_WAKE)

    def submit(
        self, fn: Command, loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]
    ) -> None:
        """Raises ``queue.Full`` when the engine is overloaded."""
        self.queue.put_nowait(_Item(fn, loop, future))

    # ------------------------------------------------------------------ loop

    def _load(self) -> Machine:
        self.state = RuntimeState()
        self.state.load(self.store, self._parse)
        self.machine = Machine(self.state, self.clock)
        return self.machine

    def _run(self) -> None:
        try:
            self.store.open()
            self._load()
        except BaseException as exc:  # surfaced to start()
            self._start_error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            self._loop()
        finally:
            self.store.close()
            self._refuse_queued()

    def _refuse_queued(self) -> None:
        """Answer whatever is still queued after the writer stopped: nobody will process it."""
        refused: list[_Item] = []
        while True:
            try:
                entry = self.queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(entry, _Item):
                entry.error = EngineError(ErrorCode.UNAVAILABLE, "The engine is shutting down")
                refused.append(entry)
        self._answer(refused)

    def _timeout(self) -> float:
        due = self.state.due
        if not due:
            return 1.0
        wait = (due[0][0] - self.clock.now_ms()) / 1000.0
        return min(max(wait, 0.0), 1.0)

    def _loop(self) -> None:
        q = self.queue
        stopping = False
        while not stopping:
            items: list[_Item] = []
            try:
                first = q.get(timeout=self._timeout())
            except queue.Empty:
                first = _WAKE
            pending = [first]
            while len(items) < self.max_batch:
                for entry in pending:
                    if entry is _STOP:
                        stopping = True
                    elif entry is _KILL:
                        for item in items:  # a crash: nothing of this batch is written
                            item.error = EngineError(
                                ErrorCode.UNAVAILABLE, "The engine stopped abruptly"
                            )
                        self._answer(items)
                        return
                    elif isinstance(entry, _Item):
                        items.append(entry)
                pending = []
                if stopping:
                    break
                try:
                    pending.append(q.get_nowait())
                except queue.Empty:
                    break
            try:
                self._process_batch(items)
            except Exception as exc:  # a bug outside any one command: keep the writer alive
                log.exception("batch failed unexpectedly; its commands are answered with the error")
                for item in items:
                    if item.error is None and item.result is None:
                        item.error = exc
                self._answer(items)
                self.machine = self._load()

    def _process_batch(self, items: list[_Item]) -> None:
        cpu_started = time.thread_time()
        try:
            self._process_batch_timed(items)
        finally:
            self.cpu_seconds += time.thread_time() - cpu_started

    def _process_batch_timed(self, items: list[_Item]) -> None:
        while True:
            m = self.machine
            assert m is not None
            failed_at = -1
            # Due work first: a command sent after the clock moved sees the timers, time-outs
            # and back-offs that became due (e.g. ActivateJobs finds the timed-out job).
            due_failed = self._run_due(m)
            if due_failed is not None:
                self._poisoned_due.add(due_failed)
                self.machine = self._load()
                continue
            for index, item in enumerate(items):
                m.now = self.clock.now_ms()
                try:
                    item.result = item.fn(m)
                    m.run_work()
                except EngineError as exc:
                    item.error = exc
                    m.work.clear()
                    m.s.record(
                        -1,
                        "COMMAND_REJECTION",
                        getattr(item.fn, "value_type", "COMMAND"),
                        "REJECTED",
                        m.now,
                        None,
                        {"rejectionType": exc.code.value, "rejectionReason": exc.message},
                    )
                except Exception as exc:
                    log.exception("command failed unexpectedly; its batch is replayed without it")
                    item.error = exc
                    failed_at = index
                    break
            if failed_at < 0:
                due_failed = self._run_due(m)
                if due_failed is None:
                    break
                self._poisoned_due.add(due_failed)
            self.machine = self._load()
            culprit = items[failed_at] if failed_at >= 0 else None
            if culprit is not None:
                self._answer([culprit])
                items = [i for i in items if i is not culprit]
            for item in items:
                item.result = None
                item.error = None
        batch = WriteBatch()
        self.state.flush(batch)
        if not items and batch.is_empty():
            return  # an idle wake-up: nothing to write, nobody to answer
        records = len(batch.records)
        started = time.perf_counter()
        try:
            self.store.commit(batch)
        except Exception as exc:
            log.exception("commit failed; the batch is answered with the error")
            for item in items:
                item.error = exc
            self.machine = self._load()
            self._answer(items)
            return
        self.commit_seconds.observe(time.perf_counter() - started)
        self.batch_sizes.observe(len(items))
        self.batches += 1
        self.commands += len(items)
        self.records += records
        m = self.machine
        assert m is not None
        self._answer(items)
        for hook in self.after_commit:
            try:
                hook(m)
            except Exception:
                log.exception("after-commit hook failed")
        m.finished_instances = {}
        if m.jobs_available:
            types = m.jobs_available
            m.jobs_available = set()
            for job_type in types:
                for listener in self.listeners:
                    try:
                        listener(job_type)
                    except Exception:
                        log.exception("jobs-available listener failed")

    def _run_due(self, m: Machine) -> tuple[int, int] | None:
        """Run what is due; returns the (kind, key) that failed unexpectedly, if any."""
        due = self.state.due
        now = self.clock.now_ms()
        m.now = now
        count = 0
        while due and due[0][0] <= now and count < MAX_DUE_PER_BATCH:
            _, kind, key = heapq.heappop(due)
            if (kind, key) in self._poisoned_due:
                continue
            count += 1
            try:
                if kind == DUE_TIMER:
                    m.events.fire_timer(key)
                elif kind == DUE_JOB_TIMEOUT:
                    m.jobs.time_out(key)
                elif kind == DUE_JOB_BACKOFF:
                    m.jobs.back_off_over(key)
                elif kind == DUE_MESSAGE_TTL:
                    from engine.runtime.commands import expire_message

                    expire_message(m, key)
                m.run_work()
            except Exception:
                log.exception("due work %s/%s failed unexpectedly; it is skipped", kind, key)
                return (kind, key)
        return None

    @staticmethod
    def _answer(items: list[_Item]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Item]] = {}
        for item in items:
            if item.loop is not None:
                by_loop.setdefault(item.loop, []).append(item)
        for loop, group in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the caller's loop is gone
                loop.call_soon_threadsafe(_resolve_all, group)


def _resolve_all(items: list[_Item]) -> None:
    for item in items:
        fut = item.future
        if fut is None or fut.done():
            continue
        if item.error is not None:
            fut.set_exception(item.error)
        else:
            fut.set_result(item.result)
