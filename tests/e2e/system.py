"""The whole system as real processes on free loopback ports: the embedded engine (clock
controlled), the diagrams deployed, ``python -m workers`` and ``python -m api``.

Tests drive it over HTTP (the case API, the engine's clock actuator) and read the ledger
and the notice sink (the local channel) to see what happened. Every wait is on a
condition with a bound; time moves only through ``POST /actuator/clock/add``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from domain.enums import Role
from domain.ledger import Ledger
from domain.models import Actor
from shenhou.deploy import deploy_directory

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
TEST_ACTOR = Actor(id="e2e-test", role=Role.SUPERVISOR)

TOKENS: dict[str, dict[str, Any]] = {
    "t-hotline": {"sub": "op-1", "roles": ["hotline"]},
    "t-grid": {"sub": "grid-1", "roles": ["grid"], "townships": ["桃源街道"]},
    "t-health": {"sub": "doc-1", "roles": ["health"], "townships": ["桃源街道"]},
    "t-police": {"sub": "pol-1", "roles": ["police"]},
    "t-civil": {"sub": "civ-1", "roles": ["civil"]},
    "t-hrss": {"sub": "hr-1", "roles": ["hrss"]},
    "t-dpf": {"sub": "dpf-1", "roles": ["dpf"]},
    "t-funeral": {"sub": "fun-1", "roles": ["funeral"]},
    "t-supervisor": {"sub": "sup-1", "roles": ["supervisor"]},
}
# The token of the role that acknowledges for each unit value of ``directiveUnits``.
ACK_TOKENS = {
    "health": "t-health",
    "police": "t-police",
    "civil_affairs": "t-civil",
    "hrss": "t-hrss",
    "dpf": "t-dpf",
    "funeral_home": "t-funeral",
    "grid": "t-grid",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], T | None], *, timeout: float = 30, what: str = "condition"
) -> T:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Part:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


class System:
    def __init__(self, workdir: Path, **worker_env: str) -> None:
        self.workdir = workdir
        self.grpc = f"127.0.0.1:{free_port()}"
        self.http = f"127.0.0.1:{free_port()}"
        self.management = f"http://127.0.0.1:{free_port()}"
        self.api_address = f"127.0.0.1:{free_port()}"
        self.database_url = f"sqlite:///{workdir}/shenhou.db"
        self.sink = workdir / "notices.jsonl"
        env = dict(os.environ)
        env.update(
            ZEEBE_ADDRESS=self.grpc,
            DATABASE_URL=self.database_url,
            SHENHOU_API_ADDRESS=self.api_address,
            SHENHOU_API_TOKENS=json.dumps(TOKENS),
            SHENHOU_FAMILY_LINK_SECRET="e2e-secret",
            SHENHOU_NOTIFY_SINK=str(self.sink),
            SHENHOU_WORKER_REQUEST_TIMEOUT_MS="2000",
            LOG_LEVEL="INFO",
        )
        self.env = env
        self.worker_env = worker_env
        self.engine = Part(
            "engine",
            [
                sys.executable,
                "-m",
                "engine",
                "--grpc-address",
                self.grpc,
                "--http-address",
                self.http,
                "--management-address",
                self.management.removeprefix("http://"),
                "--data-dir",
                str(workdir / "engine"),
                "--clock",
                "controlled",
            ],
            env,
            workdir / "engine.log",
        )
        self.api = Part("api", [sys.executable, "-m", "api"], env, workdir / "api.log")
        self.workers = self.new_workers(**worker_env)
        self.client = httpx.Client(base_url=f"http://{self.api_address}", timeout=10)
        self._ledger: Ledger | None = None

    def new_workers(self, **extra_env: str) -> Part:
        env = {**self.env, **extra_env}
        return Part("workers", [sys.executable, "-m", "workers"], env, self.workdir / "workers.log")

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> System:
        self.engine.start()
        wait_for(self._engine_ready, timeout=60, what="engine health")
        asyncio.run(deploy_directory(ROOT / "bpmn", self.grpc))
        self.api.start()
        wait_for(self._api_ready, timeout=60, what="API health")
        self.workers.start()
        return self

    def stop(self) -> None:
        self.client.close()
        for part in (self.workers, self.api, self.engine):
            part.stop()
        if self._ledger is not None:
            self._ledger.engine.dispose()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n{p.tail()}" for p in (self.engine, self.api, self.workers)
        )

    def _engine_ready(self) -> bool:
        try:
            return httpx.get(f"{self.management}/actuator/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def _api_ready(self) -> bool:
        try:
            return self.client.get("/health").status_code == 200
        except httpx.HTTPError:
            return False

    # --- driving -----------------------------------------------------------------------

    def advance(self, **delta: float) -> None:
        """Move the engine's clock forward (``hours=24, minutes=1``)."""
        from datetime import timedelta

        offset = int(timedelta(**delta).total_seconds() * 1000)
        response = httpx.post(
            f"{self.management}/actuator/clock/add", json={"offsetMilli": offset}, timeout=5
        )
        response.raise_for_status()

    def post(self, path: str, token: str, body: dict[str, Any]) -> httpx.Response:
        return self.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, token: str) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {token}"})

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger.from_url(self.database_url, migrate=False)
        return self._ledger

    def notices(self, case_id: str, template: str | None = None) -> list[dict[str, Any]]:
        if not self.sink.exists():
            return []
        rows = [json.loads(line) for line in self.sink.read_text("utf-8").splitlines() if line]
        return [
            r
            for r in rows
            if r["case_id"] == case_id and (template is None or r["template"] == template)
        ]

    def escalations(self, case_id: str) -> list[str]:
        return [reason for reason, _, _ in self.ledger.escalations_for(case_id)]

    def case(self, case_id: str) -> Any:
        return self.ledger.get_case(case_id, TEST_ACTOR)

    def element_instances(self, case_id: str, element_id: str) -> list[dict[str, Any]]:
        """The engine's element instances of ``element_id`` in the case's process instance
        (for a multi-instance activity: its body and one per inner instance)."""
        key = self.case(case_id).process_instance_key
        if key is None:
            return []
        response = httpx.post(
            f"http://{self.http}/v2/element-instances/search",
            json={
                "filter": {"processInstanceKey": str(key), "elementId": element_id},
                "page": {"limit": 100},
            },
            timeout=5,
        )
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def incidents(self) -> list[dict[str, Any]]:
        response = httpx.post(f"http://{self.http}/v2/incidents/search", json={}, timeout=5)
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items
