"""Sending a standard notice about a case at most once per dedupe key.

A redelivered job must not text the family twice. The sender looks the key up in the
ledger's notification records before sending and records it right after the channels
accepted it; a job that finds the record completes without sending. The remaining window
— the process dies after a channel accepted but before the record is written — is closed
where the channel allows it: the webhook sends ``Idempotency-Key`` and the SMS gateway
``client_ref`` with the same key, so a receiver that de-duplicates drops the replay. A
DingTalk robot cannot de-duplicate; in that narrow window a work group may see a notice
twice, never the family.

Keys: ``{caseId}:notice:{template}:{recipient}:{elementInstanceKey}`` — the element instance
makes the two certificate reminders (18 h and 22 h) and each hourly chase distinct notices,
while a redelivered job (same element instance) is the same notice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import structlog

from domain.enums import NotificationChannel, Unit
from domain.models import Notification
from domain.ninghai import Township
from workers.notify.dispatcher import Audience, Dispatcher
from workers.notify.templates import TEMPLATES

log = structlog.get_logger(__name__)


class NoticeLog(Protocol):
    async def find_notification(self, idempotency_key: str) -> Notification | None: ...

    async def record_notification(
        self, notification: Notification
    ) -> tuple[Notification, bool]: ...


def unit_recipient(unit: Unit | str, township: Township) -> str:
    """A unit's work-group id in a township, e.g. ``health.taoyuan`` (ASCII, DingTalk-safe)."""
    value = unit.value if isinstance(unit, Unit) else unit
    return f"{value}.{township.name.lower()}"


class NoticeSender:
    def __init__(
        self, dispatcher: Dispatcher, notice_log: NoticeLog, clock: Callable[[], datetime]
    ) -> None:
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
        recipient: str,
        occurrence: str,
        phones: tuple[str, ...] = (),
        recipient_unit: Unit | None = None,
    ) -> Notification:
        """Send unless already sent; returns the (first) notification record.

        ``recipient`` is who it is for (a unit's group id or the family's phone),
        ``occurrence`` what makes it distinct (the element instance key).
        """
        key = f"{case_id}:notice:{template}:{recipient}:{occurrence}"
        earlier = await self._log.find_notification(key)
        if earlier is not None:
            log.info("notice already sent; not sending again", case_id=case_id, template=template)
            return earlier
        message = TEMPLATES[template].render(
            fields, dedupe_key=key, case_id=case_id, recipients=phones
        )
        channels = await self._dispatcher.send(audience, message)
        channel = NotificationChannel.SMS if audience == "family" else NotificationChannel.DINGTALK
        record, _ = await self._log.record_notification(
            Notification(
                case_id=case_id,
                channel=channel,
                template=template,
                recipient=recipient,
                recipient_unit=recipient_unit,
                sent_at=self._clock(),
                idempotency_key=key,
                variables={"channels": channels, "audience": audience},
            )
        )
        log.info("notice sent", case_id=case_id, template=template, channels=channels)
        return record
