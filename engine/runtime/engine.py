"""``Engine``: the embedded Zeebe-compatible engine behind :class:`engine.api.EngineApi`.

The async methods package a command as a function, hand it to the writer thread and await the
answer, which arrives only after the command's records are committed (see :mod:`writer`).
Deployment parsing happens on a worker thread before the command is queued, so the writer
never spends time in the XML parser.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.api import (
    DEFAULT_TENANT,
    ActivatedJob,
    ActivateInstruction,
    ClockApi,
    DecisionEvaluation,
    Deployment,
    EngineError,
    ErrorCode,
    JobsAvailableListener,
    MessagePublished,
    ProcessInstanceCreated,
    ProcessInstanceResult,
    StartInstruction,
)
from engine.runtime import commands
from engine.runtime.clock import Clock
from engine.runtime.machine import Machine
from engine.runtime.writer import Writer
from engine.store import DB_FILE_NAME, SqliteStore

DEFAULT_MAX_BATCH = 500


def _parse_one(xml: str, resource_name: str, bpmn_process_id: str) -> Any:
    from engine.model import parse_bpmn

    for process in parse_bpmn(xml.encode("utf-8"), resource_name):
        if process.id == bpmn_process_id:
            return process
    raise RuntimeError(
        f"stored resource '{resource_name}' no longer contains process '{bpmn_process_id}'"
    )


class _ParseCache:
    """Re-parsing at start: one parse per stored resource, not per process version."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], list[Any]] = {}

    def __call__(self, xml: str, resource_name: str, bpmn_process_id: str) -> Any:
        from engine.model import parse_bpmn

        key = (resource_name, xml)
        processes = self._cache.get(key)
        if processes is None:
            processes = parse_bpmn(xml.encode("utf-8"), resource_name)
            self._cache[key] = processes
        for process in processes:
            if process.id == bpmn_process_id:
                return process
        raise RuntimeError(
            f"stored resource '{resource_name}' no longer contains process '{bpmn_process_id}'"
        )


class Engine:
    """See the module docstring. ``data_dir=None`` keeps the database in memory (tests)."""

    def __init__(
        self,
        data_dir: Path | None,
        *,
        clock: Clock | None = None,
        queue_capacity: int = 10_000,
        max_batch: int = DEFAULT_MAX_BATCH,
        synchronous: str = "FULL",
    ) -> None:
        concrete = clock or Clock(controlled=False)
        self.clock: ClockApi = concrete  # what EngineApi promises; the writer gets the Clock
        self.data_dir = data_dir
        self.store_path: Path | None = (data_dir / DB_FILE_NAME) if data_dir is not None else None
        self._store = SqliteStore(self.store_path, synchronous=synchronous)
        self._writer = Writer(
            self._store,
            concrete,
            _ParseCache(),
            queue_capacity=queue_capacity,
            max_batch=max_batch,
        )
        self._writer.after_commit.append(self._after_commit)
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]]] = {}
        self._started = False
        concrete.add_listener(self._writer.wake)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._started:
            return
        await asyncio.to_thread(self._writer.start)
        self._started = True

    async def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        await asyncio.to_thread(self._writer.stop)
        self._fail_waiters()

    def _fail_waiters(self) -> None:
        waiters, self._waiters = self._waiters, {}
        error = EngineError(ErrorCode.UNAVAILABLE, "The engine is shutting down")
        for entries in waiters.values():
            for loop, fut in entries:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_set_result, fut, error)

    async def kill(self) -> None:
        """Stop at once without processing queued commands (crash simulation in tests)."""
        if not self._started:
            return
        self._started = False
        await asyncio.to_thread(self._writer.stop, kill=True)
        self._fail_waiters()

    def add_jobs_available_listener(self, listener: JobsAvailableListener) -> None:
        self._writer.listeners.append(listener)

    def stats(self) -> dict[str, Any]:
        """Counters and histograms for /metrics (``*_total`` are monotonic); cheap to call."""
        w = self._writer
        return {
            "commands_total": w.commands,
            "batches_total": w.batches,
            "records_total": w.records,
            "writer_cpu_seconds_total": round(w.cpu_seconds, 6),
            "command_queue_depth": w.queue.qsize(),
            "batch_size": w.batch_sizes.snapshot(),
            "commit_latency_seconds": w.commit_seconds.snapshot(),
        }

    async def _submit(self, fn: Any, value_type: str = "COMMAND") -> Any:
        """Queue ``fn`` for the writer; ``value_type`` names it in a COMMAND_REJECTION record."""
        fn.value_type = value_type
        if not self._started:
            raise EngineError(ErrorCode.UNAVAILABLE, "The engine is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        try:
            self._writer.submit(fn, loop, future)
        except queue.Full:
            raise EngineError(
                ErrorCode.RESOURCE_EXHAUSTED,
                "The engine's command queue is full; retry after a short back-off",
            ) from None
        return await future

    async def inspect(self, fn: Any) -> Any:
        """Run ``fn(machine)`` on the writer thread, between batches, and return its result.

        For tests and diagnostics: the only safe way to look at live in-memory state. ``fn``
        must not change anything.
        """
        return await self._submit(fn)

    # ------------------------------------------------------------------ results

    def _after_commit(self, m: Machine) -> None:
        for pi_key, (end_state, variables) in m.finished_instances.items():
            waiters = self._waiters.pop(pi_key, None)
            result: Any = variables
            if end_state != "COMPLETED":
                # Zeebe sends no result for a terminated instance: its caller gets
                # DEADLINE_EXCEEDED when the request timeout runs out. Same status, but at once
                # (with request timeout 0 nothing else would ever end the wait).
                result = EngineError(
                    ErrorCode.DEADLINE_EXCEEDED,
                    f"Expected the process instance '{pi_key}' to complete, but it was "
                    "terminated (cancelled or ended by a modification); no result will come",
                )
            for loop, fut in waiters or ():
                loop.call_soon_threadsafe(_set_result, fut, result)

    # ------------------------------------------------------------------ deployment

    async def deploy(
        self, resources: Sequence[tuple[str, bytes]], tenant_id: str = DEFAULT_TENANT
    ) -> Deployment:
        if not resources:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT, "Expected to deploy at least one resource"
            )
        parsed = await asyncio.to_thread(_parse_resources, resources)
        return await self._submit(lambda m: commands.deploy(m, parsed, tenant_id), "DEPLOYMENT")

    async def delete_resource(self, resource_key: int) -> None:
        await self._submit(lambda m: commands.delete_resource(m, resource_key), "RESOURCE_DELETION")

    # ------------------------------------------------------------------ instances

    async def create_process_instance(
        self,
        *,
        bpmn_process_id: str | None = None,
        process_definition_key: int | None = None,
        version: int = -1,
        variables: Mapping[str, Any] | None = None,
        start_instructions: Sequence[StartInstruction] = (),
        tenant_id: str = DEFAULT_TENANT,
    ) -> ProcessInstanceCreated:
        return await self._submit(
            lambda m: commands.create_instance(
                m,
                bpmn_process_id,
                process_definition_key,
                version,
                variables,
                start_instructions,
                tenant_id,
            ),
            "PROCESS_INSTANCE_CREATION",
        )

    async def create_process_instance_with_result(
        self,
        *,
        bpmn_process_id: str | None = None,
        process_definition_key: int | None = None,
        version: int = -1,
        variables: Mapping[str, Any] | None = None,
        start_instructions: Sequence[StartInstruction] = (),
        fetch_variables: Sequence[str] = (),
        request_timeout_ms: int = 0,
        tenant_id: str = DEFAULT_TENANT,
    ) -> ProcessInstanceResult:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Any] = loop.create_future()

        def command(m: Machine) -> ProcessInstanceCreated:
            created = commands.create_instance(
                m,
                bpmn_process_id,
                process_definition_key,
                version,
                variables,
                start_instructions,
                tenant_id,
            )
            self._waiters.setdefault(created.process_instance_key, []).append((loop, done))
            return created

        created: ProcessInstanceCreated = await self._submit(command, "PROCESS_INSTANCE_CREATION")
        timeout = request_timeout_ms / 1000.0 if request_timeout_ms > 0 else None
        try:
            result_vars: dict[str, Any] = await asyncio.wait_for(done, timeout)
        except TimeoutError:
            self._waiters.pop(created.process_instance_key, None)
            raise EngineError(
                ErrorCode.DEADLINE_EXCEEDED,
                f"Expected the process instance '{created.process_instance_key}' to complete "
                f"within {request_timeout_ms} ms, but it did not",
            ) from None
        if fetch_variables:
            result_vars = {k: v for k, v in result_vars.items() if k in set(fetch_variables)}
        return ProcessInstanceResult(
            created.process_definition_key,
            created.bpmn_process_id,
            created.version,
            created.process_instance_key,
            result_vars,
            created.tenant_id,
        )

    async def cancel_process_instance(self, process_instance_key: int) -> None:
        await self._submit(
            lambda m: commands.cancel_instance(m, process_instance_key), "PROCESS_INSTANCE"
        )

    async def set_variables(
        self, element_instance_key: int, variables: Mapping[str, Any], local: bool = False
    ) -> int:
        return await self._submit(
            lambda m: commands.set_variables(m, element_instance_key, variables, local),
            "VARIABLE_DOCUMENT",
        )

    async def modify_process_instance(
        self,
        process_instance_key: int,
        activate: Sequence[ActivateInstruction] = (),
        terminate: Sequence[int] = (),
    ) -> None:
        await self._submit(
            lambda m: commands.modify_instance(m, process_instance_key, activate, terminate),
            "PROCESS_INSTANCE_MODIFICATION",
        )

    # ------------------------------------------------------------------ jobs

    async def activate_jobs(
        self,
        *,
        job_type: str,
        worker: str,
        timeout_ms: int,
        max_jobs: int,
        fetch_variables: Sequence[str] = (),
        tenant_ids: Sequence[str] = (),
    ) -> list[ActivatedJob]:
        return await self._submit(
            lambda m: m.jobs.activate(
                job_type, worker, timeout_ms, max_jobs, fetch_variables, tenant_ids
            ),
            "JOB_BATCH",
        )

    async def complete_job(self, job_key: int, variables: Mapping[str, Any] | None = None) -> None:
        doc = _variables(variables)
        await self._submit(lambda m: m.jobs.complete(job_key, doc), "JOB")

    async def fail_job(
        self,
        job_key: int,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        doc = _variables(variables)
        await self._submit(
            lambda m: m.jobs.fail(job_key, retries, error_message, retry_backoff_ms, doc), "JOB"
        )

    async def throw_error(
        self,
        job_key: int,
        error_code: str,
        error_message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        doc = _variables(variables)
        await self._submit(
            lambda m: m.jobs.throw_error(job_key, error_code, error_message, doc), "JOB"
        )

    async def update_job_retries(self, job_key: int, retries: int) -> None:
        await self._submit(lambda m: m.jobs.update_retries(job_key, retries), "JOB")

    async def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        await self._submit(lambda m: m.jobs.update_timeout(job_key, timeout_ms), "JOB")

    # ------------------------------------------------------------------ messages and signals

    async def publish_message(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str = "",
        variables: Mapping[str, Any] | None = None,
        tenant_id: str = DEFAULT_TENANT,
    ) -> MessagePublished:
        return await self._submit(
            lambda m: commands.publish_message(
                m, name, correlation_key, time_to_live_ms, message_id, variables, tenant_id
            ),
            "MESSAGE",
        )

    async def broadcast_signal(
        self, signal_name: str, variables: Mapping[str, Any] | None = None
    ) -> int:
        return await self._submit(
            lambda m: commands.broadcast_signal(m, signal_name, variables), "SIGNAL"
        )

    # ------------------------------------------------------------------ incidents and decisions

    async def resolve_incident(self, incident_key: int) -> None:
        await self._submit(lambda m: m.incidents.resolve(incident_key), "INCIDENT")

    async def evaluate_decision(
        self,
        *,
        decision_id: str | None = None,
        decision_key: int | None = None,
        variables: Mapping[str, Any] | None = None,
        tenant_id: str = DEFAULT_TENANT,
    ) -> DecisionEvaluation:
        return await self._submit(
            lambda m: commands.evaluate_decision(
                m, decision_id, decision_key, variables, tenant_id
            ),
            "DECISION_EVALUATION",
        )


def _variables(variables: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if variables is None:
        return None
    from engine.runtime.commands.variables_doc import check_variables

    return check_variables(variables)


def _set_result(fut: asyncio.Future[Any], value: Any) -> None:
    if fut.done():
        return
    if isinstance(value, BaseException):
        fut.set_exception(value)
    else:
        fut.set_result(value)


def _parse_dmn(name: str, content: bytes) -> commands.ParsedResource:
    from engine.dmn import DmnParseError, parse_dmn

    try:
        graph = parse_dmn(content, name)
    except DmnParseError as exc:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected to deploy new resources, but encountered the following errors:\n"
            f"'{name}': {exc}",
        ) from exc
    try:
        xml = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT, f"Expected '{name}' to be UTF-8 encoded XML"
        ) from exc
    return commands.ParsedResource(name, xml, graph.checksum, [], graph)


def _parse_resources(resources: Sequence[tuple[str, bytes]]) -> list[commands.ParsedResource]:
    from engine.model import BpmnParseError, parse_bpmn

    parsed: list[commands.ParsedResource] = []
    for name, content in resources:
        lower = name.lower()
        if lower.endswith(".dmn"):
            parsed.append(_parse_dmn(name, content))
            continue
        if lower.endswith(".form"):
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to deploy BPMN resources, but '{name}' is a form; forms are not "
                "supported yet by the embedded engine",
            )
        try:
            processes = parse_bpmn(content, name)
        except BpmnParseError as exc:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to deploy new resources, but encountered the following errors:\n"
                f"'{name}': {exc}",
            ) from exc
        executable = [p for p in processes if p.is_executable]
        if not executable:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to deploy new resources, but '{name}' contains no executable process",
            )
        try:
            xml = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT, f"Expected '{name}' to be UTF-8 encoded XML"
            ) from exc
        parsed.append(commands.ParsedResource(name, xml, commands.checksum_of(content), executable))
    return parsed
