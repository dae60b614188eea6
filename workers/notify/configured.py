"""Builds the :class:`Dispatcher` from settings: each channel is on when it is configured.

Audiences and their channels:
- ``units`` and ``supervisor``: DingTalk robot (the 身后事办理 work group), JSON webhook, sink
- ``family``: SMS gateway, JSON webhook, sink
The local sink is on unless ``SHENHOU_NOTIFY_SINK`` is set empty, so development and the
end-to-end tests can read what would have been sent.
"""

from __future__ import annotations

from workers.notify.dingtalk import DingTalkRobot
from workers.notify.dispatcher import Dispatcher
from workers.notify.message import Channel
from workers.notify.sink import LocalSink
from workers.notify.sms import HttpSmsGateway, SmsChannel
from workers.notify.webhook import JsonWebhook
from workers.settings import WorkerSettings


def build_dispatcher(settings: WorkerSettings) -> Dispatcher:
    group: list[Channel] = []
    family: list[Channel] = []
    if settings.dingtalk_webhook_url:
        group.append(DingTalkRobot(settings.dingtalk_webhook_url, settings.dingtalk_secret))
    if settings.shenhou_notify_webhook_url:
        webhook = JsonWebhook(
            settings.shenhou_notify_webhook_url, bearer_token=settings.shenhou_notify_webhook_token
        )
        group.append(webhook)
        family.append(webhook)
    if settings.shenhou_sms_gateway_url:
        family.append(
            SmsChannel(
                HttpSmsGateway(
                    settings.shenhou_sms_gateway_url, token=settings.shenhou_sms_gateway_token
                )
            )
        )
    if settings.shenhou_notify_sink is not None and str(settings.shenhou_notify_sink) != ".":
        sink = LocalSink(settings.shenhou_notify_sink)
        group.append(sink)
        family.append(sink)
    return Dispatcher({"units": group, "supervisor": group, "family": family})
