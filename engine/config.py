"""Settings of the engine process: command-line flags over environment over defaults.

Environment variables are named ``ENGINE_<SETTING>`` (``ENGINE_GRPC_ADDRESS``,
``ENGINE_DATA_DIR`` ...). The controlled clock also answers to Zeebe's own switch,
``ZEEBE_CLOCK_CONTROLLED=true``, so a test suite written for Zeebe runs unchanged.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

DEFAULT_REQUEST_TIMEOUT_MS = 15_000
"""Zeebe's ``zeebe.gateway.cluster.requestTimeout`` default (15s): a request that names no
timeout of its own (``CreateProcessInstanceWithResult`` with ``requestTimeout`` 0, REST
``awaitCompletion`` without ``requestTimeout``) waits this long, then DEADLINE_EXCEEDED."""
DEFAULT_REQUEST_TIMEOUT = timedelta(milliseconds=DEFAULT_REQUEST_TIMEOUT_MS)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000}


def parse_duration(text: str) -> timedelta:
    """Zeebe's duration settings: ``500ms``, ``15s``, ``2m``, ``1h``, a bare number of
    milliseconds, or ISO-8601 (``PT15S``); ValueError with a clear text."""
    match = _DURATION.match(text)
    if match:
        number, unit = match.groups()
        return timedelta(milliseconds=float(number) * _UNIT_MS[unit or "ms"])
    iso = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", text.strip().upper())
    if iso and any(iso.groups()):
        hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    raise ValueError(f"{text!r} is not a duration such as 500ms, 15s, 2m, 1h or PT15S")


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:port`` for IPv6) → ``(host, port)``; ValueError with a clear text."""
    host, sep, port_text = address.rpartition(":")
    if not sep or not port_text.isdigit():
        raise ValueError(f"address {address!r} is not of the form host:port")
    port = int(port_text)
    if not 0 <= port <= 65535:
        raise ValueError(f"address {address!r}: port {port} is out of range")
    host = host.strip("[]") or "0.0.0.0"
    return host, port


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGINE_", extra="ignore")

    grpc_address: str = "127.0.0.1:26500"
    http_address: str = "127.0.0.1:8080"
    management_address: str = "127.0.0.1:9600"
    data_dir: Path = Path("./data/engine")
    clock_controlled: bool = Field(
        default=False,
        validation_alias=AliasChoices("ZEEBE_CLOCK_CONTROLLED", "ENGINE_CLOCK_CONTROLLED"),
    )
    log_level: str = "INFO"
    queue_capacity: int = Field(default=10_000, gt=0)
    request_timeout: timedelta = DEFAULT_REQUEST_TIMEOUT
    """Used when a client sends request timeout 0 (Zeebe's gateway ``cluster.requestTimeout``)."""

    @field_validator("grpc_address", "http_address", "management_address")
    @classmethod
    def _valid_address(cls, value: str) -> str:
        parse_address(value)
        return value

    @field_validator("request_timeout", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("request_timeout")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() * 1000 < 1:
            raise ValueError("the request timeout must be at least 1 ms")
        return value

    @property
    def request_timeout_ms(self) -> int:
        return round(self.request_timeout.total_seconds() * 1000)

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
        return level
