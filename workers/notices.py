"""Sending a standard notice about a case at most once per (case, notice, audience).

A redelivered job must not text the family twice. The sender looks the notice's dedupe
key up in the :class:`NoticeLog` (the ledger's notification records) before sending and
records it right after the channels accepted it. The remaining window — the process dies
after the channel accepted but before the record is written — is closed where the channel
allows it: the webhook sends ``Idempotency-Key`` and the SMS gateway ``client_ref`` with the
same key, so a receiver that de-duplicates drops the replay. A DingTalk robot cannot
de-duplicate; in that narrow window a group may see a notice twice, never the family.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import structlog

from workers.notify.dispatcher import Audience, Dispatcher
from workers.notify.templates import TEMPLATES

log = structlog.get_logger(__name__)


class NoticeLog(Protocol):
    """Durable memory of notices sent (implemented on the ledger)."""

    async def was_sent(self, dedupe_key: str) -> bool: ...

    async def record_sent(
        self,
        *,
        dedupe_key: str,
        case_id: str,
        template: str,
        audience: str,
        channels: list[str],
        recipients: list[str],
        sent_at: datetime,
    ) -> None: ...


def notice_key(case_id: str, template: str, audience: str) -> str:
    return f"{case_id}:notice:{template}:{audience}"


class NoticeSender:
    def __init__(self, dispatcher: Dispatcher, notice_log: NoticeLog, clock: Any) -> None:
        self._dispatcher = dispatcher
        self._log = notice_log
        self._clock = clock

    async def send_once(
        self,
        template: str,
        audience: Audience,
        fields: Mapping[str, Any],
        *,
        case_id: str,
        recipients: tuple[str, ...] = (),
    ) -> bool:
        """Send unless already sent; True when it was sent now."""
        key = notice_key(case_id, template, audience)
        if await self._log.was_sent(key):
            log.info("notice already sent; not sending again", case_id=case_id, template=template)
            return False
        message = TEMPLATES[template].render(
            fields, dedupe_key=key, case_id=case_id, recipients=recipients
        )
        channels = await self._dispatcher.send(audience, message)
        await self._log.record_sent(
            dedupe_key=key,
            case_id=case_id,
            template=template,
            audience=audience,
            channels=channels,
            recipients=list(recipients),
            sent_at=self._clock(),
        )
        log.info("notice sent", case_id=case_id, template=template, channels=channels)
        return True
