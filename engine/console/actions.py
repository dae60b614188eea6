"""What an ops user may do from the console, each through :class:`EngineApi`.

These are the calls the gRPC gateway makes for ``ResolveIncident``, ``UpdateJobRetries``,
``CancelProcessInstance``, ``SetVariables`` and ``ModifyProcessInstance``: the console adds no
second path into the runtime, so the engine checks and records a console action exactly as it
would a zbctl command. Each action is written to the audit log (who, what, outcome) around
the call.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.api import ActivateInstruction, EngineApi, EngineError
from engine.console.audit import AuditLog
from engine.console.settings import ConsoleUser
from engine.query.commands import HTTP_STATUS
from engine.query.read_model import ReadModel


class ActionError(Exception):
    """An action refused before or by the engine; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Actions:
    engine: EngineApi
    read_model: ReadModel
    audit: AuditLog

    async def _run(
        self,
        user: ConsoleUser,
        action: str,
        instance_key: int | None,
        target_key: int | None,
        details: dict[str, Any],
        call: Callable[[], Awaitable[Any]],
    ) -> None:
        entry = self.audit.begin(
            self.engine.clock.now_ms(), user.label, action, instance_key, target_key, details
        )
        try:
            await call()
        except EngineError as error:
            self.audit.finish(entry, f"REJECTED {error.code.value}: {error.message}")
            raise ActionError(HTTP_STATUS.get(error.code, 500), error.message) from None
        except BaseException as error:
            self.audit.finish(entry, f"FAILED {type(error).__name__}")
            raise
        self.audit.finish(entry, "DONE")

    def _incident(self, key: int) -> Mapping[str, Any]:
        rows = self.read_model.rows(
            "SELECT key, process_instance_key, job_key, state FROM incident WHERE key = ?", [key]
        )
        if not rows:
            raise ActionError(404, f"incident {key} not found")
        return dict(rows[0])

    async def retry_incident(self, user: ConsoleUser, key: int, retries: int) -> None:
        """Operate's retry: give the job its retries back (if a job failed), then resolve."""
        if not 1 <= retries <= 100:
            raise ActionError(400, "retries must be from 1 to 100")
        incident = self._incident(key)
        job_key = incident["job_key"]

        async def call() -> None:
            if job_key is not None and job_key >= 0:
                await self.engine.update_job_retries(job_key, retries)
            await self.engine.resolve_incident(key)

        await self._run(
            user,
            "RETRY_INCIDENT",
            incident["process_instance_key"],
            key,
            {"jobKey": None if job_key is None else str(job_key), "retries": retries},
            call,
        )

    async def cancel_instance(self, user: ConsoleUser, key: int) -> None:
        await self._run(
            user,
            "CANCEL_INSTANCE",
            key,
            key,
            {},
            lambda: self.engine.cancel_process_instance(key),
        )

    async def set_variable(
        self, user: ConsoleUser, instance_key: int, scope_key: int, name: str, value_json: str
    ) -> None:
        """Set one variable in the scope it lives in (``local``: no propagation upwards)."""
        if not name.strip():
            raise ActionError(400, "the variable needs a name")
        try:
            value = json.loads(value_json)
        except ValueError as error:
            raise ActionError(400, f"the value is not valid JSON: {error}") from None
        await self._run(
            user,
            "SET_VARIABLE",
            instance_key,
            scope_key,
            {"name": name, "value": value},
            lambda: self.engine.set_variables(scope_key, {name: value}, local=True),
        )

    async def move_token(
        self, user: ConsoleUser, instance_key: int, from_element_instance: int, to_element: str
    ) -> None:
        """Operate's "move": terminate one element instance and activate another element."""
        if not to_element.strip():
            raise ActionError(400, "choose the element to move the token to")
        await self._run(
            user,
            "MODIFY_INSTANCE",
            instance_key,
            from_element_instance,
            {"terminate": str(from_element_instance), "activate": to_element},
            lambda: self.engine.modify_process_instance(
                instance_key,
                activate=[ActivateInstruction(element_id=to_element)],
                terminate=[from_element_instance],
            ),
        )
