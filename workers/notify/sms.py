"""Text messages to the family through an SMS gateway.

Every province and operator has its own SMS gateway; :class:`SmsGateway` is the one
interface the workers use, and :class:`HttpSmsGateway` the implementation for a gateway
with a JSON HTTP API (``POST {url}`` with ``{"to": [...], "text": ..., "client_ref": ...}``
and a bearer token). ``client_ref`` is the dedupe key, so gateways that de-duplicate on it
never deliver a notice twice.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from workers.notify.message import ChannelError, Message

# A mainland SMS is 70 characters per segment; long notices are sent as concatenated SMS,
# but we keep them short: the family gets a summary and the link, not the whole notice.
MAX_SMS_CHARS = 500


class SmsGateway(Protocol):
    async def send_sms(self, to: list[str], text: str, client_ref: str) -> None:
        """Send ``text`` to every number in ``to`` or raise :class:`ChannelError`."""
        ...


class HttpSmsGateway:
    """An :class:`SmsGateway` speaking JSON over HTTP."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = 5.0,
    ) -> None:
        self._url = url
        self._token = token
        self._client = client
        self._timeout = httpx.Timeout(timeout_s)

    async def send_sms(self, to: list[str], text: str, client_ref: str) -> None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        body = {"to": to, "text": text[:MAX_SMS_CHARS], "client_ref": client_ref}
        client = self._client or httpx.AsyncClient(timeout=self._timeout)
        try:
            response = await client.post(self._url, json=body, headers=headers)
        except httpx.HTTPError as error:
            raise ChannelError(f"sms: {type(error).__name__}: {error}") from error
        finally:
            if self._client is None:
                await client.aclose()
        if not response.is_success:
            raise ChannelError(f"sms: HTTP {response.status_code}")


class SmsChannel:
    """Adapts an :class:`SmsGateway` to the channel interface: plain text to the recipients."""

    name = "sms"

    def __init__(self, gateway: SmsGateway) -> None:
        self._gateway = gateway

    async def send(self, message: Message) -> None:
        phones = [r for r in message.recipients if r.isdigit()]
        if not phones:
            # Nothing to send is not a failure: group notices have no phone recipients.
            return
        await self._gateway.send_sms(phones, message.text, message.dedupe_key)
