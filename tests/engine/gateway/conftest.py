from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import pytest
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from engine.gateway import GatewayServer
from tests.engine.gateway.fake_engine import FakeEngine


@dataclass
class Harness:
    engine: FakeEngine
    server: GatewayServer
    channel: grpc.aio.Channel
    stub: GatewayStub


@pytest.fixture
async def gw() -> AsyncIterator[Harness]:
    engine = FakeEngine()
    server = GatewayServer(engine, "127.0.0.1", 0)
    port = await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield Harness(engine, server, channel, GatewayStub(channel))
    finally:
        await channel.close()
        await server.stop(0)
