"""Channels are switched on by configuration, per audience."""

from pathlib import Path

from workers.notify.configured import build_dispatcher
from workers.settings import WorkerSettings


def _names(settings: WorkerSettings, audience: str) -> list[str]:
    dispatcher = build_dispatcher(settings)
    return [c.name for c in dispatcher.channels_for(audience)]  # type: ignore[arg-type]


def test_default_is_the_local_sink_only(tmp_path: Path) -> None:
    settings = WorkerSettings(shenhou_notify_sink=tmp_path / "n.jsonl")
    assert _names(settings, "units") == ["sink"] and _names(settings, "family") == ["sink"]


def test_configured_channels_by_audience(tmp_path: Path) -> None:
    settings = WorkerSettings(
        shenhou_notify_sink=None,
        dingtalk_webhook_url="http://127.0.0.1:1/robot/send?access_token=t",
        dingtalk_secret="SEC",
        shenhou_notify_webhook_url="http://127.0.0.1:1/hook",
        shenhou_sms_gateway_url="http://127.0.0.1:1/sms",
    )
    assert _names(settings, "units") == ["dingtalk", "webhook"]
    assert _names(settings, "supervisor") == ["dingtalk", "webhook"]
    # Family notices never go to a work group.
    assert _names(settings, "family") == ["webhook", "sms"]
