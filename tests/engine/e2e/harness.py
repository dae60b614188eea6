"""Start ``python -m engine`` as a real subprocess on free loopback ports and drive it.

Waits are bounded and on conditions (the readiness endpoint, a query result), never fixed
sleeps. The engine's stderr (JSON logs) goes to a file that a failing test prints.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[3]
ZBCTL = ROOT / "node_modules" / "zbctl" / "bin" / "zbctl-cli.linux"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], T | None],
    *,
    timeout: float = 15,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class EngineProcess:
    def __init__(
        self, data_dir: Path, *, controlled_clock: bool = True, extra_args: tuple[str, ...] = ()
    ) -> None:
        self.data_dir = data_dir
        self.controlled_clock = controlled_clock
        self.extra_args = extra_args
        self.grpc_port = free_port()
        self.http_port = free_port()
        self.management_port = free_port()
        self.log_path = data_dir.parent / f"{data_dir.name}-engine-{self.grpc_port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def grpc_address(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.management_port}"

    def argv(self) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "engine",
            "--grpc-address",
            self.grpc_address,
            "--http-address",
            f"127.0.0.1:{self.http_port}",
            "--management-address",
            f"127.0.0.1:{self.management_port}",
            "--data-dir",
            str(self.data_dir),
            *self.extra_args,
        ]
        if self.controlled_clock:
            argv += ["--clock", "controlled"]
        return argv

    def environment(self) -> dict[str, str]:
        """The engine's environment: ours without ``ENGINE_*`` and ``ZEEBE_*``."""
        return {k: v for k, v in os.environ.items() if not k.startswith(("ENGINE_", "ZEEBE_"))}

    def start(self, *, wait: bool = True) -> Self:
        env = self.environment()
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed when the process ends
        self.process = subprocess.Popen(
            self.argv(), cwd=ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"engine exited with {self.process.returncode}:\n{self.logs()[-4000:]}"
                )
            try:
                answer = httpx.get(f"{self.management_url}/actuator/health/readiness", timeout=1)
            except httpx.HTTPError:
                return False
            return answer.status_code == 200

        wait_for(ready, timeout=timeout, what="engine readiness")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"engine did not stop on SIGTERM:\n{self.logs()[-4000:]}"
            ) from None

    def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    # --- HTTP helpers
    def search(
        self, resource: str, filter_: dict[str, Any] | None = None, **extra: Any
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"filter": filter_ or {}, **extra}
        answer = httpx.post(f"{self.http_url}/v2/{resource}/search", json=body, timeout=5)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    def wait_search(
        self, resource: str, filter_: dict[str, Any], *, count: int = 1, timeout: float = 15
    ) -> list[dict[str, Any]]:
        def found() -> list[dict[str, Any]] | None:
            items = self.search(resource, filter_)
            return items if len(items) >= count else None

        return wait_for(found, timeout=timeout, what=f"{count} {resource} matching {filter_}")

    def clock_add(self, offset_ms: int) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.management_url}/actuator/clock/add", json={"offsetMilli": offset_ms}, timeout=5
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


# --- async helpers, for tests that run pyzeebe workers in the same event loop


async def await_for(
    condition: Callable[[], Any],
    *,
    timeout: float = 15,
    interval: float = 0.05,
    what: str = "condition",
) -> Any:
    """Async ``wait_for``: ``condition`` is an async callable polled until truthy."""
    import asyncio

    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await condition()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


async def asearch(
    proc: EngineProcess, resource: str, filter_: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.post(
            f"{proc.http_url}/v2/{resource}/search", json={"filter": filter_ or {}}
        )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def await_search(
    proc: EngineProcess,
    resource: str,
    filter_: dict[str, Any],
    *,
    count: int = 1,
    timeout: float = 15,
) -> list[dict[str, Any]]:
    async def found() -> list[dict[str, Any]] | None:
        items = await asearch(proc, resource, filter_)
        return items if len(items) >= count else None

    result: list[dict[str, Any]] = await await_for(
        found, timeout=timeout, what=f"{count} {resource} matching {filter_}"
    )
    return result


def zbctl(proc: EngineProcess, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the official zbctl against ``proc`` (without our ``ZEEBE_*``); ``ok``: it must
    succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZEEBE_")}
    done = subprocess.run(
        [str(ZBCTL), "--insecure", "--address", proc.grpc_address, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    if ok:
        assert done.returncode == 0, f"zbctl {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(done.stdout)
