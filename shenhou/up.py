"""`shenhou up`: start the whole system and keep it running.

Order matters: the engine must answer before diagrams can be deployed, and the diagrams
must be deployed before workers poll for their jobs and the API starts instances. Each
part runs as its own process (a crash in one is visible and restartable without taking
the others down); this supervisor restarts a part that dies, with back-off, and stops all
of them in reverse order on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog
from rich.console import Console

from domain.logs import configure_logging
from shenhou.deploy import deploy_directory
from shenhou.dev_credentials import apply_to_environment, ensure_dev_credentials
from shenhou.settings import Settings

log = structlog.get_logger("shenhou.up")
console = Console(stderr=True)

READY_TIMEOUT_S = 60.0
STOP_GRACE_S = 10.0
MAX_RESTARTS_PER_MINUTE = 5
DATA_DIR = Path("data")


@dataclass
class Part:
    """One supervised child process."""

    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env)
        log.info("part started", part=self.name, pid=self.process.pid)

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            log.warning("part did not stop in time; killing", part=self.name)
            self.process.kill()
            self.process.wait()


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(f"{name}.__main__") is not None


def _http_url(address: str) -> str:
    return address if address.startswith("http") else f"http://{address}"


def wait_until_ready(url: str, part: Part, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll a health endpoint until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if part.exited() is not None:
            raise SystemExit(f"{part.name} exited with code {part.exited()} while starting")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{part.name} did not become ready at {url} within {timeout_s:.0f} s")


def addresses_in_use(addresses: Sequence[str]) -> list[str]:
    """The host:port addresses someone already listens on (another `shenhou up`?)."""
    busy = []
    for address in addresses:
        host, _, port = address.rpartition(":")
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host or "127.0.0.1", int(port)))
            except OSError:
                busy.append(address)
    return busy


def build_parts(settings: Settings, *, clock_controlled: bool) -> list[Part]:
    env = dict(os.environ)
    apply_to_environment(ensure_dev_credentials(DATA_DIR), env)
    env["ZEEBE_ADDRESS"] = settings.effective_zeebe_address
    env["DATABASE_URL"] = settings.database_url
    parts: list[Part] = []
    if settings.embedded:
        engine_argv = [
            sys.executable,
            "-m",
            "engine",
            "--grpc-address",
            settings.engine_grpc_address,
            "--http-address",
            settings.engine_http_address,
            "--management-address",
            settings.engine_management_address,
            "--data-dir",
            str(settings.engine_data_dir),
        ]
        if clock_controlled:
            engine_argv += ["--clock", "controlled"]
        parts.append(Part("engine", engine_argv, env))
    for module in ("workers", "api"):
        if _module_available(module):
            parts.append(Part(module, [sys.executable, "-m", module], env))
        else:
            log.warning("part not installed; not started", part=module)
    return parts


def supervise(parts: Sequence[Part], stop: asyncio.Event | None = None) -> int:
    """Restart parts that die (with a limit), until a signal asks everything to stop."""
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    exit_code = 0
    try:
        while not stopping:
            for part in parts:
                code = part.exited()
                if code is None:
                    continue
                now = time.monotonic()
                part.restarts = [t for t in part.restarts if now - t < 60] + [now]
                if len(part.restarts) > MAX_RESTARTS_PER_MINUTE:
                    console.print(f"[red]{part.name} keeps crashing (exit {code}); stopping all")
                    exit_code = 1
                    stopping = True
                    break
                log.warning("part exited; restarting", part=part.name, exit_code=code)
                time.sleep(min(2 ** (len(part.restarts) - 1), 10))
                part.start()
            time.sleep(0.5)
    finally:
        console.print("stopping …")
        for part in reversed(parts):
            part.stop()
    return exit_code


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="shenhou up",
        description="Start the engine (unless ZEEBE_ADDRESS is set), deploy bpmn/, start the "
        "workers and the case API, and supervise them until Ctrl-C.",
    )
    parser.add_argument(
        "--clock",
        choices=["system", "controlled"],
        default=None,
        help="engine clock; 'controlled' enables /actuator/clock (tests, demos)",
    )
    args = parser.parse_args(list(argv))
    settings = Settings()
    configure_logging(settings.log_level)
    controlled = args.clock == "controlled" or settings.zeebe_clock_controlled
    DATA_DIR.mkdir(exist_ok=True)

    wanted = [settings.shenhou_api_address]
    if settings.embedded:
        wanted += [
            settings.engine_grpc_address,
            settings.engine_http_address,
            settings.engine_management_address,
        ]
    busy = addresses_in_use(wanted)
    if busy:
        console.print(
            f"[red]shenhou up: {', '.join(busy)} already in use — is shenhou already running?"
        )
        return 1
    parts = build_parts(settings, clock_controlled=controlled)
    engine = next((p for p in parts if p.name == "engine"), None)
    if engine is not None:
        engine.start()
        health = _http_url(settings.engine_management_address) + "/actuator/health"
        try:
            wait_until_ready(health, engine)
        except SystemExit:
            engine.stop()
            raise
    try:
        deployed = asyncio.run(
            deploy_directory(settings.bpmn_dir, settings.effective_zeebe_address)
        )
    except Exception as error:  # one clear line, then stop what we started
        console.print(f"[red]deploying {settings.bpmn_dir} failed: {error}")
        for part in reversed(parts):
            part.stop()
        return 1
    for line in deployed:
        console.print(f"deployed {line}")
    for part in parts:
        if part is not engine:
            part.start()
    console.print(
        f"[green]shenhou is up[/green]: gRPC {settings.effective_zeebe_address}"
        + (f", console http://{settings.engine_http_address}" if settings.embedded else "")
        + f", case API http://{settings.shenhou_api_address} — Ctrl-C stops everything"
    )
    console.print(
        "development tokens: `.venv/bin/shenhou token hotline` (any role; `ops` for the console)"
    )
    return supervise(parts)
