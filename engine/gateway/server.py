"""The gRPC server: Zeebe's gateway service plus grpc.health.v1 (pyzeebe checks it)."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from pyzeebe.proto.gateway_pb2_grpc import add_GatewayServicer_to_server

from engine.api import EngineApi
from engine.config import DEFAULT_REQUEST_TIMEOUT_MS
from engine.gateway.jobs_available import JobsAvailable
from engine.gateway.metrics import GatewayMetrics
from engine.gateway.servicer import Gateway

GATEWAY_SERVICE = "gateway_protocol.Gateway"

# Zeebe accepts messages up to 4 MB by default; deployments of big diagrams need room.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class PortInUseError(OSError):
    """The gRPC address could not be bound."""


class GatewayServer:
    """Owns the grpc.aio server; ``start`` binds (or raises PortInUseError), ``stop`` drains."""

    def __init__(
        self,
        engine: EngineApi,
        host: str,
        port: int,
        *,
        metrics: GatewayMetrics | None = None,
        default_request_timeout_ms: int = DEFAULT_REQUEST_TIMEOUT_MS,
    ) -> None:
        self.host = host
        self.default_request_timeout_ms = default_request_timeout_ms
        self.port = port
        self._engine = engine
        self.metrics = metrics or GatewayMetrics()
        self._server: grpc.aio.Server | None = None
        self.gateway: Gateway | None = None

    async def start(self) -> int:
        jobs_available = JobsAvailable(asyncio.get_running_loop())
        self._jobs_available = jobs_available
        self._engine.add_jobs_available_listener(jobs_available.notify)
        server = grpc.aio.server(
            options=[
                # Two engines on one port would split the clients between them: refuse.
                ("grpc.so_reuseport", 0),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                # Zeebe clients ping every 45 s (pyzeebe, Java, Go), also on idle job streams;
                # accept pings down to 30 s apart like Zeebe's gateway (minKeepAliveInterval)
                # instead of grpc's 5 min, which answers them with GOAWAY "too_many_pings".
                ("grpc.keepalive_permit_without_calls", 1),
                ("grpc.http2.min_recv_ping_interval_without_data_ms", 30_000),
            ]
        )
        try:
            bound = server.add_insecure_port(f"{self.host}:{self.port}")
        except RuntimeError as error:
            raise PortInUseError(
                f"cannot listen for gRPC on {self.host}:{self.port}: {error}"
            ) from error
        if bound == 0:
            raise PortInUseError(f"cannot listen for gRPC on {self.host}:{self.port}")
        self.port = bound
        self.gateway = Gateway(
            self._engine,
            jobs_available,
            advertised_host=self.host,
            advertised_port=bound,
            metrics=self.metrics,
            default_request_timeout_ms=self.default_request_timeout_ms,
        )
        add_GatewayServicer_to_server(self.gateway, server)
        health_servicer = health.aio.HealthServicer()
        for service in (GATEWAY_SERVICE, ""):
            await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        await server.start()
        self._server = server
        self._health = health_servicer
        return bound

    async def stop(self, grace_s: float = 2.0) -> None:
        if self._server is None:
            return
        for service in (GATEWAY_SERVICE, ""):
            await self._health.set(service, health_pb2.HealthCheckResponse.NOT_SERVING)
        self._jobs_available.close()  # parked long polls answer "no jobs" now, streams end
        await self._server.stop(grace_s)
        self._server = None
