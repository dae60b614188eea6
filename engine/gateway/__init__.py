"""Zeebe's gateway gRPC protocol in front of the engine (``GatewayServer``)."""

from engine.gateway.server import GatewayServer, PortInUseError

__all__ = ["GatewayServer", "PortInUseError"]
