"""A generic JSON webhook: for any system that wants notices as plain JSON over HTTP.

The body is stable and documented (template, title, text, markdown, case_id, recipients,
dedupe_key) and the ``Idempotency-Key`` header carries the dedupe key, so a receiver can
drop a replay. Any 2xx is success; anything else is a :class:`ChannelError`.
"""

from __future__ import annotations

import httpx

from workers.notify.message import ChannelError, Message


class JsonWebhook:
    name = "webhook"

    def __init__(
        self,
        url: str,
        *,
        bearer_token: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = 5.0,
    ) -> None:
        self._url = url
        self._token = bearer_token
        self._client = client
        self._timeout = httpx.Timeout(timeout_s)

    @staticmethod
    def payload(message: Message) -> dict[str, object]:
        return {
            "template": message.template,
            "title": message.title,
            "text": message.text,
            "markdown": message.markdown,
            "case_id": message.case_id,
            "recipients": list(message.recipients),
            "dedupe_key": message.dedupe_key,
        }

    async def send(self, message: Message) -> None:
        headers = {"Idempotency-Key": message.dedupe_key}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        client = self._client or httpx.AsyncClient(timeout=self._timeout)
        try:
            response = await client.post(self._url, json=self.payload(message), headers=headers)
        except httpx.HTTPError as error:
            raise ChannelError(f"webhook: {type(error).__name__}: {error}") from error
        finally:
            if self._client is None:
                await client.aclose()
        if not response.is_success:
            raise ChannelError(f"webhook: HTTP {response.status_code}")
