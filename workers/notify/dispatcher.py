"""Routes a rendered message to the channels configured for its audience.

Audiences are who reads a notice: ``units`` (the township's 3+X work group and the
departments), ``supervisor`` (the county reform office) and ``family`` (SMS to the
contact). A message succeeds only if every channel of its audience accepted it; the
first failure raises and the job is retried, which is why idempotency of whole notices
is handled above this layer (see ``workers.idempotency``), not per channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from workers.notify.message import Channel, Message

Audience = Literal["units", "supervisor", "family"]


class Dispatcher:
    def __init__(self, channels: Mapping[str, Sequence[Channel]]) -> None:
        self._channels = {k: list(v) for k, v in channels.items()}

    def channels_for(self, audience: Audience) -> list[Channel]:
        return self._channels.get(audience, [])

    async def send(self, audience: Audience, message: Message) -> list[str]:
        """Send to every channel of ``audience``; returns the channel names used."""
        used = []
        for channel in self.channels_for(audience):
            await channel.send(message)
            used.append(channel.name)
        return used
