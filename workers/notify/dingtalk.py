"""DingTalk custom robot (自定义机器人) with the "加签" security setting.

The bulletin's units shared each death summary in a 政务钉钉 work group; a custom robot
posts into such a group. With signing enabled DingTalk rejects a request unless the
webhook URL carries ``timestamp`` (epoch milliseconds, within an hour of its clock) and
``sign`` = URL-encoded base64 of HMAC-SHA256 keyed by the secret over
``"{timestamp}\\n{secret}"``. DingTalk answers HTTP 200 even for errors, with
``{"errcode": N, "errmsg": "..."}``; any errcode other than 0 is a failed delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Callable

import httpx

from workers.notify.message import ChannelError, Message


def sign(timestamp_ms: int, secret: str) -> str:
    """The ``sign`` query value for ``timestamp_ms``, already URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def signed_url(webhook_url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's webhook URL with ``timestamp`` and ``sign`` appended."""
    separator = "&" if "?" in webhook_url else "?"
    return f"{webhook_url}{separator}timestamp={timestamp_ms}&sign={sign(timestamp_ms, secret)}"


class DingTalkRobot:
    """Posts markdown messages to a DingTalk group through a signed custom robot."""

    name = "dingtalk"

    def __init__(
        self,
        webhook_url: str,
        secret: str | None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = 5.0,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self._webhook_url = webhook_url
        self._secret = secret
        self._client = client
        self._timeout = httpx.Timeout(timeout_s)
        self._clock_ms = clock_ms

    def _url(self) -> str:
        if not self._secret:
            return self._webhook_url
        return signed_url(self._webhook_url, self._secret, self._clock_ms())

    def payload(self, message: Message) -> dict[str, object]:
        """DingTalk's markdown message body; mobiles in ``recipients`` are @-mentioned."""
        at_mobiles = [r for r in message.recipients if r.isdigit()]
        text = message.markdown
        if at_mobiles:
            text += "\n\n" + " ".join(f"@{m}" for m in at_mobiles)
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": text},
            "at": {"atMobiles": at_mobiles, "isAtAll": False},
        }

    async def send(self, message: Message) -> None:
        client = self._client or httpx.AsyncClient(timeout=self._timeout)
        try:
            response = await client.post(self._url(), json=self.payload(message))
        except httpx.HTTPError as error:
            raise ChannelError(f"dingtalk: {type(error).__name__}: {error}") from error
        finally:
            if self._client is None:
                await client.aclose()
        if response.status_code != 200:
            raise ChannelError(f"dingtalk: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise ChannelError("dingtalk: answer is not JSON") from error
        if body.get("errcode", -1) != 0:
            raise ChannelError(f"dingtalk: errcode {body.get('errcode')}: {body.get('errmsg')}")
