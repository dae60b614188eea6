"""The API's only way to the engine: pyzeebe's ZeebeClient over gRPC (ZEEBE_ADDRESS).

Two operations: start a case's process instance, and publish a message for a callback.
Messages carry the case id as correlation key and a ``message_id`` derived from the
callback's identity, so Zeebe itself drops a replayed message while the first one is
buffered; the API's ledger check keeps replays harmless after that too.
"""

from __future__ import annotations

from typing import Any

import grpc
import structlog
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.errors import (
    MessageAlreadyExistsError,
    ProcessDefinitionNotFoundError,
    PyZeebeError,
)

log = structlog.get_logger(__name__)

# How long an early callback waits in the engine for its catch event (Zeebe message TTL).
DEFAULT_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000


class EngineUnavailable(Exception):
    """The engine could not be reached; the caller answers 503 and nothing is lost."""


class EngineClient:
    def __init__(self, address: str) -> None:
        self.address = address
        self._channel: grpc.aio.Channel | None = None
        self._client: ZeebeClient | None = None

    def _zeebe(self) -> ZeebeClient:
        if self._client is None:
            # -1: pyzeebe would otherwise close the channel for good after a few UNAVAILABLE
            # answers, and the API could not recover when the engine comes back.
            self._channel = create_insecure_channel(grpc_address=self.address)
            self._client = ZeebeClient(self._channel, max_connection_retries=-1)
        return self._client

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
        self._channel = None
        self._client = None

    async def start_process(self, bpmn_process_id: str, variables: dict[str, Any]) -> int:
        """Create a process instance; returns its key."""
        try:
            response = await self._zeebe().run_process(bpmn_process_id, variables=variables)
        except ProcessDefinitionNotFoundError as error:
            raise EngineUnavailable(f"process {bpmn_process_id} is not deployed") from error
        except (PyZeebeError, grpc.aio.AioRpcError) as error:
            raise EngineUnavailable(f"{type(error).__name__}: {error}") from error
        return int(response.process_instance_key)

    async def publish(
        self,
        name: str,
        correlation_key: str,
        variables: dict[str, Any],
        message_id: str,
        ttl_ms: int = DEFAULT_MESSAGE_TTL_MS,
    ) -> bool:
        """Publish a message; returns False when Zeebe already holds one with this id."""
        try:
            await self._zeebe().publish_message(
                name=name,
                correlation_key=correlation_key,
                variables=variables,
                time_to_live_in_milliseconds=ttl_ms,
                message_id=message_id,
            )
        except MessageAlreadyExistsError:
            log.info("message already published", message=name, message_id=message_id)
            return False
        except (PyZeebeError, grpc.aio.AioRpcError) as error:
            raise EngineUnavailable(f"{type(error).__name__}: {error}") from error
        return True
