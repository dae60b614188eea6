"""Notification channels against a real local HTTP server (and a real file for the sink)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from pathlib import Path

import pytest

from tests.workers.recording_server import Answer, recording_server
from workers.notify.dingtalk import DingTalkRobot, sign, signed_url
from workers.notify.message import ChannelError, Message
from workers.notify.sink import LocalSink
from workers.notify.sms import HttpSmsGateway, SmsChannel
from workers.notify.webhook import JsonWebhook

MESSAGE = Message(
    template="death_summary",
    title="死讯简况 NH-1",
    markdown="### 死讯简况",
    text="死讯简况 text",
    dedupe_key="NH-1:death_summary:units",
    case_id="NH-1",
    recipients=("13800000000",),
)


def test_dingtalk_sign_is_hmac_sha256_of_timestamp_newline_secret_base64_urlencoded() -> None:
    secret = "SECtest-secret+/="
    timestamp = 1_700_000_000_000
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    expected_raw = base64.b64encode(digest).decode()
    assert urllib.parse.unquote_plus(sign(timestamp, secret)) == expected_raw
    # URL-encoded: no raw '+', '/' or '=' survive in the query value.
    assert not set("+/=") & set(sign(timestamp, secret))


def test_dingtalk_signed_url_keeps_access_token() -> None:
    url = signed_url("https://robot.example/send?access_token=abc", "s", 5)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["5"]
    assert query["sign"] == [urllib.parse.unquote_plus(sign(5, "s"))]


async def test_dingtalk_posts_markdown_with_valid_signature() -> None:
    secret = "SECabc"
    with recording_server(Answer(body={"errcode": 0, "errmsg": "ok"})) as server:
        robot = DingTalkRobot(
            f"{server.url}/robot/send?access_token=tok", secret, clock_ms=lambda: 1234567
        )
        await robot.send(MESSAGE)
    [request] = server.requests
    assert request.query["timestamp"] == ["1234567"]
    digest = hmac.new(secret.encode(), f"1234567\n{secret}".encode(), hashlib.sha256).digest()
    assert request.query["sign"] == [base64.b64encode(digest).decode()]
    body = request.json()
    assert isinstance(body, dict)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "死讯简况 NH-1"
    assert body["at"]["atMobiles"] == ["13800000000"]


async def test_dingtalk_errcode_is_a_failure_even_with_http_200() -> None:
    answer = Answer(body={"errcode": 310000, "errmsg": "sign not match"})
    with recording_server(answer) as server, pytest.raises(ChannelError, match="310000"):
        await DingTalkRobot(f"{server.url}/send", "s").send(MESSAGE)


async def test_dingtalk_unreachable_is_a_channel_error() -> None:
    with recording_server() as server:
        url = server.url
    with pytest.raises(ChannelError):
        await DingTalkRobot(url, None, timeout_s=1).send(MESSAGE)


async def test_webhook_sends_json_and_idempotency_key() -> None:
    with recording_server(Answer(status=202)) as server:
        await JsonWebhook(f"{server.url}/hook", bearer_token="t0k").send(MESSAGE)
    [request] = server.requests
    assert request.headers["idempotency-key"] == MESSAGE.dedupe_key
    assert request.headers["authorization"] == "Bearer t0k"
    assert request.json() == JsonWebhook.payload(MESSAGE)


async def test_webhook_5xx_is_a_channel_error() -> None:
    with recording_server(Answer(status=503)) as server, pytest.raises(ChannelError, match="503"):
        await JsonWebhook(server.url).send(MESSAGE)


async def test_sms_goes_to_phone_recipients_with_client_ref() -> None:
    with recording_server() as server:
        await SmsChannel(HttpSmsGateway(f"{server.url}/sms", token="k")).send(MESSAGE)
    [request] = server.requests
    assert request.json() == {
        "to": ["13800000000"],
        "text": MESSAGE.text,
        "client_ref": MESSAGE.dedupe_key,
    }


async def test_sms_without_phone_recipients_sends_nothing() -> None:
    with recording_server() as server:
        no_phone = Message("t", "t", "m", "x", "k", recipients=("group",))
        await SmsChannel(HttpSmsGateway(server.url)).send(no_phone)
    assert server.requests == []


async def test_sink_appends_json_lines(tmp_path: Path) -> None:
    sink = LocalSink(tmp_path / "n" / "notices.jsonl")
    await sink.send(MESSAGE)
    await sink.send(MESSAGE)
    lines = (tmp_path / "n" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["title"] == "死讯简况 NH-1"
    assert sink.read()[1]["dedupe_key"] == MESSAGE.dedupe_key
