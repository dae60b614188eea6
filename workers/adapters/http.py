"""Talking to a real department endpoint over HTTP (httpx), with timeouts and retries.

Wire protocol (documented for departments that integrate):
``POST {base_url}/actions/{action}`` with the :class:`ActionRequest` as JSON and the
headers ``Idempotency-Key`` (= ``request.idempotency_key``) and ``Authorization: Bearer``.
- 200/201 with an :class:`ActionResult`-shaped JSON: done (or done before: same key,
  same answer; ``replayed`` may say so).
- 409 with an ActionResult body: the key was seen before; treated as success.
- 422 / 400 / 404 with ``{"code": ..., "message": ..., "variables": {...}}``: business
  refusal → :class:`DepartmentRejected` (e.g. ``HOUSEHOLD_NOT_IN_COUNTY`` with
  ``{"householdRegistrationPlace": "330203"}``).
- 429, 5xx, timeouts, connection errors: retried here a few times with exponential
  back-off, then :class:`DepartmentUnavailable`, and the engine retries the job later.
Because the key travels with every attempt, a retry after a lost answer cannot make the
department act twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import structlog

from workers.adapters.interfaces import (
    ActionRequest,
    ActionResult,
    DepartmentRejected,
    DepartmentUnavailable,
)

log = structlog.get_logger(__name__)

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REJECT_STATUS = frozenset({400, 404, 422})


class HttpDepartmentClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        retries: int = 3,
        back_off_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            transport=transport,
        )
        self._retries = retries
        self._back_off_s = back_off_s
        self._sleep = sleep

    async def aclose(self) -> None:
        await self._client.aclose()

    async def perform(self, request: ActionRequest) -> ActionResult:
        body = request.model_dump(mode="json")
        headers = {"Idempotency-Key": request.idempotency_key}
        last_problem = "no attempt"
        for attempt in range(self._retries + 1):
            if attempt:
                await self._sleep(self._back_off_s * 2 ** (attempt - 1))
            try:
                response = await self._client.post(
                    f"/actions/{request.action}", json=body, headers=headers
                )
            except httpx.TransportError as error:
                last_problem = f"{type(error).__name__}: {error}"
                log.warning("department call failed", action=request.action, problem=last_problem)
                continue
            if response.status_code in _RETRY_STATUS:
                last_problem = f"HTTP {response.status_code}"
                log.warning("department busy", action=request.action, status=response.status_code)
                continue
            return self._interpret(request, response)
        raise DepartmentUnavailable(
            f"{request.action}: no answer after {self._retries + 1} attempts ({last_problem})"
        )

    @staticmethod
    def _interpret(request: ActionRequest, response: httpx.Response) -> ActionResult:
        if response.status_code in (200, 201, 409):
            try:
                result = ActionResult.model_validate(response.json())
            except ValueError as error:
                raise DepartmentUnavailable(
                    f"{request.action}: unreadable answer ({error.__class__.__name__})"
                ) from error
            if response.status_code == 409:
                result = result.model_copy(update={"replayed": True})
            return result
        if response.status_code in _REJECT_STATUS:
            variables: dict[str, object] = {}
            try:
                problem = response.json()
                code, message = str(problem["code"]), str(problem.get("message", ""))
                if isinstance(problem.get("variables"), dict):
                    variables = problem["variables"]
            except (ValueError, KeyError, TypeError):
                code, message = f"HTTP_{response.status_code}", response.text[:200]
            raise DepartmentRejected(code, message, variables)
        raise DepartmentUnavailable(f"{request.action}: unexpected HTTP {response.status_code}")


class HttpPolice:
    def __init__(self, client: HttpDepartmentClient) -> None:
        self._client = client

    async def deregister_household(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)


class HttpCivilAffairs:
    def __init__(self, client: HttpDepartmentClient) -> None:
        self._client = client

    async def stop_welfare(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)

    async def decide_funeral_subsidy(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)


class HttpHrss:
    def __init__(self, client: HttpDepartmentClient) -> None:
        self._client = client

    async def stop_pension(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)

    async def settle_survivor_benefits(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)


class HttpDisability:
    def __init__(self, client: HttpDepartmentClient) -> None:
        self._client = client

    async def cancel_disability_card(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)


class HttpMarketSupervision:
    def __init__(self, client: HttpDepartmentClient) -> None:
        self._client = client

    async def deregister_business(self, request: ActionRequest) -> ActionResult:
        return await self._client.perform(request)
