"""What the routes share at run time: the ledger, the engine client, and the actors.

Built in the app's lifespan (nothing connects at import time) and closed on shutdown. At
start the API also starts the process instance of any case that has none — a report taken
while the engine was down is never lost, it only waits.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import structlog

from api.auth import Principal
from api.engine_client import EngineClient, EngineUnavailable
from api.process import Message, start_variables_for_case
from api.settings import DEV_FAMILY_LINK_SECRET, ApiSettings
from domain.enums import Role, Unit
from domain.family_links import family_link
from domain.ledger import Ledger
from domain.models import Actor

log = structlog.get_logger(__name__)
T = TypeVar("T")

# API role → (the domain's role of a person, the unit they act for).
ROLE_UNITS: dict[str, tuple[Role, Unit]] = {
    "hotline": (Role.HOTLINE_OPERATOR, Unit.HOTLINE),
    "grid": (Role.GRID_WORKER, Unit.GRID),
    "health": (Role.PREVENTION_DOCTOR, Unit.HEALTH),
    "police": (Role.HOUSEHOLD_POLICE, Unit.POLICE),
    "civil": (Role.CIVIL_AFFAIRS_OFFICER, Unit.CIVIL_AFFAIRS),
    "hrss": (Role.HRSS_CLERK, Unit.HRSS),
    "dpf": (Role.DPF_CLERK, Unit.DPF),
    "funeral": (Role.FUNERAL_HOME_CLERK, Unit.FUNERAL_HOME),
    "supervisor": (Role.SUPERVISOR, Unit.SUPERVISOR),
}


def actor_for(principal: Principal, role: str | None = None) -> Actor:
    """The ledger's actor for a caller (acting in ``role`` when it holds several)."""
    chosen = role or sorted(principal.roles)[0]
    person_role, unit = ROLE_UNITS[chosen]
    return Actor(id=principal.sub[:100], role=person_role, unit=unit)


FAMILY_ACTOR = Actor(id="family-link", role=Role.FAMILY)
SYSTEM = Actor(id="case-api", role=Role.SYSTEM)


class Runtime:
    def __init__(self, settings: ApiSettings, ledger: Ledger | None = None) -> None:
        self.settings = settings
        self.engine = EngineClient(settings.zeebe_address)
        self._ledger = ledger
        self._restarter: asyncio.Task[None] | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            raise RuntimeError("the ledger is not open (the app has not started)")
        return self._ledger

    async def start(self) -> None:
        if self.settings.shenhou_family_link_secret == DEV_FAMILY_LINK_SECRET:
            log.warning(
                "SHENHOU_FAMILY_LINK_SECRET is the development default: family links are "
                "guessable; set a secret in production"
            )
        if (
            not self.settings.tokens()
            and not self.settings.shenhou_jwt_jwks_url
            and not (self.settings.shenhou_jwt_public_key or self.settings.shenhou_oidc_discovery)
        ):
            log.warning("no API tokens and no JWT verification configured: every call is 401")
        if self._ledger is None:
            self._ledger = await asyncio.to_thread(Ledger.from_url, self.settings.database_url)
        self._restarter = asyncio.create_task(self._start_missing_instances())

    async def stop(self) -> None:
        if self._restarter is not None:
            self._restarter.cancel()
            await asyncio.gather(self._restarter, return_exceptions=True)
        await self.engine.close()

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (synchronous, transactional) ledger call off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def publish(self, message: Message) -> bool:
        """Publish a contract message; False when the engine already holds one with its id."""
        return await self.engine.publish(
            message.name,
            message.correlation_key,
            message.variables,
            message_id=message.message_id,
            ttl_ms=message.ttl_ms,
        )

    def family_link(self, case_id: str) -> str:
        return family_link(
            self.settings.public_url, self.settings.shenhou_family_link_secret, case_id
        )

    async def ensure_instance(self, case_id: str, variables: Callable[[], dict[str, Any]]) -> bool:
        """Start the case's process instance unless it has one; True if started now.

        One lock per case in this process: the intake route and the start-up restarter
        never both start an instance for the same case. (The API runs as one process; a
        crash between CreateProcessInstance and storing its key is the remaining window.)
        """
        lock = self._locks.setdefault(case_id, asyncio.Lock())
        async with lock:
            waiting = await self.call(self.ledger.cases_without_process_instance)
            if case_id not in {c.id for c in waiting}:
                return False
            key = await self.engine.start_process(self.settings.bpmn_process_id, variables())
            await self.call(self.ledger.set_process_instance, case_id, key)
            return True

    async def _start_missing_instances(self) -> None:
        """Start the instances of stored cases that have none, until all are started."""
        delay = 1.0
        while True:
            try:
                cases = await self.call(self.ledger.cases_without_process_instance)
                for case in cases:
                    reports = await self.call(self.ledger.reports_for, case.id, SYSTEM)
                    started = await self.ensure_instance(
                        case.id, functools.partial(start_variables_for_case, case, reports)
                    )
                    if started:
                        log.info("started the missing process instance", case_id=case.id)
                return
            except EngineUnavailable as error:
                log.warning("engine unavailable; will retry starting instances", error=str(error))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
