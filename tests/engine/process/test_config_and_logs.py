"""Settings precedence (flags > environment > defaults) and the engine's log processor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.__main__ import StartupError, bind_tcp, load_settings
from engine.config import parse_address, parse_duration
from engine.logs import drop_variable_values


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("ENGINE_", "ZEEBE_")):
            monkeypatch.delenv(name)


def test_defaults_match_the_architecture() -> None:
    settings = load_settings([])
    assert settings.grpc_address == "127.0.0.1:26500"
    assert settings.http_address == "127.0.0.1:8080"
    assert settings.management_address == "127.0.0.1:9600"
    assert settings.data_dir == Path("data/engine")
    assert settings.clock_controlled is False and settings.log_level == "INFO"


def test_environment_then_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEEBE_CLOCK_CONTROLLED", "true")
    monkeypatch.setenv("ENGINE_GRPC_ADDRESS", "0.0.0.0:26600")
    monkeypatch.setenv("ENGINE_LOG_LEVEL", "debug")
    settings = load_settings([])
    assert settings.clock_controlled is True
    assert settings.grpc_address == "0.0.0.0:26600" and settings.log_level == "DEBUG"
    settings = load_settings(["--grpc-address", "127.0.0.1:1", "--clock", "system"])
    assert settings.grpc_address == "127.0.0.1:1" and settings.clock_controlled is False


def test_bad_settings_are_one_line_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGINE_HTTP_ADDRESS", "localhost")
    with pytest.raises(StartupError, match=r"http_address.*not of the form host:port"):
        load_settings([])


def test_request_timeout_default_environment_and_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zeebe's gateway cluster.requestTimeout: 15 s unless set; its duration forms."""
    assert load_settings([]).request_timeout_ms == 15_000
    monkeypatch.setenv("ENGINE_REQUEST_TIMEOUT", "PT30S")
    assert load_settings([]).request_timeout_ms == 30_000
    assert load_settings(["--request-timeout", "1s"]).request_timeout_ms == 1_000
    for text, ms in (("500ms", 500), ("2m", 120_000), ("250", 250), ("1h", 3_600_000)):
        assert parse_duration(text).total_seconds() * 1000 == ms
    for bad in ("0s", "soon", "-1s"):
        with pytest.raises(StartupError, match="request_timeout"):
            load_settings([f"--request-timeout={bad}"])


def test_parse_address() -> None:
    assert parse_address("127.0.0.1:26500") == ("127.0.0.1", 26500)
    assert parse_address("[::1]:80") == ("::1", 80)
    assert parse_address(":9600") == ("0.0.0.0", 9600)
    for bad in ("26500", "host:", "host:99999", "host:x"):
        with pytest.raises(ValueError):
            parse_address(bad)


def test_a_taken_port_is_named_in_plain_words() -> None:
    first = bind_tcp("127.0.0.1:0", "HTTP")
    try:
        port = first.getsockname()[1]
        with pytest.raises(StartupError) as raised:
            bind_tcp(f"127.0.0.1:{port}", "HTTP")
        assert (
            str(raised.value) == f"cannot listen for HTTP on 127.0.0.1:{port}: the port is in use"
        )
    finally:
        first.close()


def test_variable_values_never_reach_the_log() -> None:
    event = drop_variable_values(
        None,
        "info",
        {
            "event": "job.completed",
            "variables": {"idNumber": "110101199003071234", "name": "张三"},
            "value": "secret",
            "job_key": 7,
        },
    )
    assert event == {
        "event": "job.completed",
        "variables": ["idNumber", "name"],
        "value": "<hidden>",
        "job_key": 7,
    }
