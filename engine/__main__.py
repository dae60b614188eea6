"""``python -m engine`` (and ``shenhou engine``): the engine process.

It binds its three addresses first (so a port in use is one clear line, before any work),
takes the data directory's lock (two engines on one store would corrupt it), starts the runtime,
then serves gRPC (Zeebe's gateway), the HTTP query API and the management port until SIGTERM or
SIGINT, and shuts down in the reverse order: stop taking requests, then drain the runtime.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import socket
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import uvicorn
from pydantic import ValidationError

from engine.api import EngineApi
from engine.config import LOG_LEVELS, EngineSettings, parse_address
from engine.logs import configure_logging, get_logger

log = get_logger("engine")

GIL_SWITCH_INTERVAL_S = 0.001


class StartupError(Exception):
    """Something a person must fix before the engine can start; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine",
        description="shenhou's embedded, Zeebe-compatible BPMN engine. Every flag can also be "
        "set in the environment as ENGINE_<FLAG> (e.g. ENGINE_GRPC_ADDRESS); "
        "ZEEBE_CLOCK_CONTROLLED=true controls the clock.",
    )
    parser.add_argument(
        "--grpc-address", help="Zeebe gateway gRPC address (default 127.0.0.1:26500)"
    )
    parser.add_argument(
        "--http-address", help="query API / console address (default 127.0.0.1:8080)"
    )
    parser.add_argument(
        "--management-address",
        help="health, metrics and clock actuator address (default 127.0.0.1:9600)",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where the store lives (default ./data/engine)"
    )
    parser.add_argument(
        "--clock",
        choices=("system", "controlled"),
        help="'controlled' lets /actuator/clock pin and move time (tests, demos)",
    )
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, help="default INFO")
    parser.add_argument(
        "--request-timeout",
        help="how long CreateProcessInstanceWithResult (gRPC) and awaitCompletion (REST) wait "
        "when the client sends timeout 0, as Zeebe's gateway cluster.requestTimeout: "
        "500ms, 15s, 2m, PT15S (default 15s)",
    )
    return parser


def load_settings(argv: Sequence[str]) -> EngineSettings:
    args = build_parser().parse_args(list(argv))
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("grpc_address", args.grpc_address),
            ("http_address", args.http_address),
            ("management_address", args.management_address),
            ("data_dir", args.data_dir),
            ("log_level", args.log_level),
            ("request_timeout", args.request_timeout),
        )
        if value is not None
    }
    if args.clock is not None:
        given["ZEEBE_CLOCK_CONTROLLED"] = args.clock == "controlled"
    try:
        return EngineSettings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise StartupError(f"invalid setting {where}: {first['msg']}") from None


def bind_tcp(address: str, what: str) -> socket.socket:
    host, port = parse_address(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise StartupError(
                f"cannot listen for {what} on {address}: the port is in use"
            ) from None
        raise StartupError(f"cannot listen for {what} on {address}: {error.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def check_free(address: str, what: str) -> None:
    """gRPC binds its own socket; find out now whether it can, for a clear message."""
    bind_tcp(address, what).close()


@contextlib.contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(data_dir / "engine.lock", "a+")  # noqa: SIM115 - held for the whole run
    except OSError as error:
        raise StartupError(f"cannot use data directory {data_dir}: {error.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StartupError(
            f"data directory {data_dir} is in use by another engine process"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the engine process owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _http_server(app: Any, level: str) -> _Server:
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="off", log_level=level.lower()
    )
    return _Server(config)


async def serve(settings: EngineSettings) -> None:
    from engine.console import mount_console
    from engine.gateway import GatewayServer, PortInUseError
    from engine.management import create_management_app
    from engine.query import create_query_app
    from engine.runtime import Engine
    from engine.runtime.clock import Clock

    grpc_host, grpc_port = parse_address(settings.grpc_address)
    check_free(settings.grpc_address, "gRPC")
    http_socket = bind_tcp(settings.http_address, "HTTP")
    management_socket = bind_tcp(settings.management_address, "management")

    # SIGTERM/SIGINT from here on (even during start-up) mean: stop cleanly
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    runtime = Engine(
        settings.data_dir,
        clock=Clock(settings.clock_controlled),
        queue_capacity=settings.queue_capacity,
    )
    # Engine.clock is a Clock; EngineApi declares a mutable ClockApi attribute, which mypy
    # holds invariant. The runtime does implement the contract.
    engine = cast(EngineApi, runtime)
    ready = False
    await engine.start()
    try:
        gateway = GatewayServer(
            engine, grpc_host, grpc_port, default_request_timeout_ms=settings.request_timeout_ms
        )
        try:
            await gateway.start()
        except PortInUseError as error:
            raise StartupError(str(error)) from None
        store_path = runtime.store_path
        management = _http_server(
            create_management_app(
                engine,
                is_ready=lambda: ready,
                store_path=store_path,
                gateway_registry=gateway.metrics.registry,
            ),
            settings.log_level,
        )
        query = _http_server(
            mount_console(
                create_query_app(
                    engine,
                    store_path,
                    grpc_host=grpc_host,
                    grpc_port=grpc_port,
                    default_request_timeout_ms=settings.request_timeout_ms,
                ),
                engine,
                store_path,
            ),
            settings.log_level,
        )
        servers = [
            asyncio.create_task(management.serve(sockets=[management_socket])),
            asyncio.create_task(query.serve(sockets=[http_socket])),
        ]
        ready = True
        log.info(
            "engine.started",
            grpc=settings.grpc_address,
            http=settings.http_address,
            management=settings.management_address,
            data_dir=str(settings.data_dir),
            clock="controlled" if settings.clock_controlled else "system",
            request_timeout_ms=settings.request_timeout_ms,
            pid=os.getpid(),
        )
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([stopped, *servers], return_when=asyncio.FIRST_COMPLETED)
        crashed = stopped not in done
        if crashed:
            log.error("engine.http_server_exited")
        log.info("engine.stopping")
        ready = False
        await gateway.stop(grace_s=2.0)
        management.should_exit = True
        query.should_exit = True
        await asyncio.gather(*servers, return_exceptions=True)
        stopped.cancel()
        if crashed:
            raise RuntimeError("an HTTP server stopped on its own; the engine stopped with it")
    finally:
        await engine.stop()
        http_socket.close()
        management_socket.close()
        log.info("engine.stopped")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = load_settings(sys.argv[1:] if argv is None else argv)
        configure_logging(settings.log_level)
        with data_dir_lock(settings.data_dir):
            # The writer thread and the gateway's event loop share one GIL. Python hands it over
            # every 5 ms by default, so a gRPC answer could wait that long behind a batch; 1 ms
            # cut the benchmark's p99 by about a third (BENCHMARKS.md, ## Engine).
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
            asyncio.run(serve(settings))
    except StartupError as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug or a broken store: one line here, details in the log
        log.exception("engine.crashed", error_type=type(error).__name__)
        print(
            f"engine: stopped by an unexpected error: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
