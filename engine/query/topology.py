"""``GET /v2/topology``: one broker, one partition, as Camunda's REST API shapes it."""

from __future__ import annotations

from typing import Any

from engine.gateway.convert import GATEWAY_VERSION


def topology_body(host: str, port: int) -> dict[str, Any]:
    return {
        "brokers": [
            {
                "nodeId": 0,
                "host": host,
                "port": port,
                "partitions": [{"partitionId": 1, "role": "leader", "health": "healthy"}],
                "version": GATEWAY_VERSION,
            }
        ],
        "clusterSize": 1,
        "partitionsCount": 1,
        "replicationFactor": 1,
        "gatewayVersion": GATEWAY_VERSION,
        "lastCompletedChangeId": "-1",
    }
