"""What a notification channel is given to send, and how it reports failure.

Channels know nothing of cases or templates: they receive an already rendered
:class:`Message` (title, body in markdown and in plain text, recipients) and deliver it.
That keeps each channel a small adapter around one transport, testable on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class ChannelError(Exception):
    """Delivery failed for a technical reason (network, 5xx, rate limit, bad signature).

    Workers let it propagate so the job fails and the engine retries it with back-off;
    a notice is never reported as sent when the channel did not accept it.
    """


@dataclass(frozen=True)
class Message:
    """A rendered notice. ``dedupe_key`` identifies it for idempotent sending."""

    template: str
    title: str
    markdown: str
    text: str
    dedupe_key: str
    case_id: str | None = None
    # Phone numbers for SMS, user ids or mobiles to @-mention for group chats.
    recipients: tuple[str, ...] = field(default_factory=tuple)


class Channel(Protocol):
    """One way of delivering a :class:`Message`."""

    name: str

    async def send(self, message: Message) -> None:
        """Deliver the message or raise :class:`ChannelError`."""
        ...
